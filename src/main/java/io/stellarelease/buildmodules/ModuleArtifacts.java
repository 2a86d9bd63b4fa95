package io.stellarelease.buildmodules;

import io.stellarelease.steps.StepResults;
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
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * After a module build: finds its packages in OUTPUT_DIR, checks each is a NuGet package whose id and
 * version are the module's, and copies it into the release's {@code nuget/} folder with its sha256.
 */
public class ModuleArtifacts {
    public static final String NUGET_DIR = "nuget";

    private final ReleaseConfig config;

    public ModuleArtifacts(ReleaseConfig config) {
        this.config = config;
    }

    public StepResult collect(@Body StepResult step, @ExchangeProperty(StepResults.JOB_PROPERTY) ExecJob job,
                              @ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        if (step.status() != Status.DONE) {
            return step;
        }
        String version = job.env().get("VERSION");
        Path publish = job.outputDir().resolve(config.modules().publishDir());
        if (config.modules().packages() == null) {
            // modules.packages: null: the builds publish no packages (e.g. images only); nothing to collect.
            Map<String, String> details = new java.util.TreeMap<>(Map.of("version", version));
            if (Files.isDirectory(publish)) {
                details.put("publishDir", publish.toString());
            }
            return step.withArtifacts(List.of(), details);
        }
        List<Path> packages = find(job.outputDir(), config.modules().packages());
        if (packages.isEmpty()) {
            return step.failed("the build left no " + config.modules().packages() + " in OUTPUT_DIR");
        }
        Path nugetDir = run.releaseDir().resolve(NUGET_DIR);
        List<Artifact> artifacts = new ArrayList<>();
        String packageId = null;
        try {
            Files.createDirectories(nugetDir);
            for (Path pkg : packages) {
                NuGetPackage identity = NuGetPackage.read(pkg);
                if (!identity.version().equals(version)) {
                    return step.failed(pkg.getFileName() + ": package version " + identity.version()
                            + " is not the module version " + version);
                }
                packageId = identity.id();
                Path target = nugetDir.resolve(pkg.getFileName());
                Files.copy(pkg, target, StandardCopyOption.REPLACE_EXISTING);
                artifacts.add(new Artifact("nuget", run.releaseDir().relativize(target).toString(), Files2.sha256(target),
                        Files.size(target)));
            }
        } catch (IllegalArgumentException e) {
            return step.failed(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> details = new java.util.TreeMap<>(Map.of("version", version, "packageId", packageId));
        if (Files.isDirectory(publish)) {
            details.put("publishDir", publish.toString());
        }
        return step.withArtifacts(artifacts, details);
    }

    static List<Path> find(Path dir, String glob) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(p -> matcher.matches(p.getFileName())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
