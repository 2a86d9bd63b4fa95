package io.stellarelease.buildcli;

import io.stellarelease.steps.StepResults;
import io.stellarelease.artifacts.ArchiveWriter;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.exec.ExecJob;
import io.stellarelease.state.Artifact;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** After a CLI build: its OUTPUT_DIR archived as {@code stella-{version}-{rid}.tar.gz} (or .zip) in {@code cli/}. */
public class CliArchives {
    public static final String CLI_DIR = "cli";

    private final ReleaseConfig config;
    private final ArchiveWriter archives = new ArchiveWriter();

    public CliArchives(ReleaseConfig config) {
        this.config = config;
    }

    public StepResult collect(@Body StepResult step, @ExchangeProperty(StepResults.JOB_PROPERTY) ExecJob job,
                              @ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        if (step.status() != Status.DONE) {
            return step;
        }
        String rid = job.name();
        if (config.cli().archive() == null) {
            // cli.archive: null: the build's result is its exit code alone (e.g. a check per runtime); nothing is archived.
            return step.withArtifacts(List.of(), Map.of("runtime", rid));
        }
        boolean zip = config.cli().zipRuntimes() != null && config.cli().zipRuntimes().contains(rid);
        String name = config.cli().archive().replace("{version}", run.requireSuite().version()).replace("{rid}", rid)
                + (zip ? ".zip" : ".tar.gz");
        Path target = run.releaseDir().resolve(CLI_DIR).resolve(name);
        try {
            Files.createDirectories(target.getParent());
            if (zip) {
                archives.zip(job.outputDir(), target, run.reproducibleTime());
            } else {
                archives.tarGz(job.outputDir(), target, run.reproducibleTime());
            }
            Artifact artifact = new Artifact("cli", run.releaseDir().relativize(target).toString(), Files2.sha256(target),
                    Files.size(target));
            return step.withArtifacts(List.of(artifact), Map.of("runtime", rid));
        } catch (IOException | IllegalArgumentException e) {
            return step.failed("could not archive " + rid + ": " + e.getMessage());
        }
    }
}
