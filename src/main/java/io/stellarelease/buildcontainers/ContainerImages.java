package io.stellarelease.buildcontainers;

import io.stellarelease.artifacts.OciImageBuilder;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.state.Artifact;
import io.stellarelease.state.Produces;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The build-containers stage: an OCI image per module with an image, from the module's publish output,
 * built daemonless with Jib and written as an OCI tarball in {@code images/}. The digest recorded is the
 * image manifest's, the one a registry will answer for it.
 */
public class ContainerImages {
    public static final String STAGE = "build-containers";
    public static final String IMAGES_DIR = "images";

    private final ReleaseConfig config;

    public ContainerImages(ReleaseConfig config) {
        this.config = config;
    }

    /** The successful module builds whose module has an image. */
    public List<StepResult> plan(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage) {
        // config.module(name), looked up in a map made once: its case-blind match, the first module of a name wins.
        java.util.Map<String, ReleaseConfig.Module> modules = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        config.modules().items().forEach(m -> modules.putIfAbsent(m.name(), m));
        List<StepResult> builds = run.produced(Produces.MODULES).stream()
                .filter(b -> { ReleaseConfig.Module m = modules.get(b.name()); return m != null && m.image(); })
                .toList();
        run.stage(stage).ifPresent(s -> s.plan(builds.stream().map(StepResult::name).toList()));
        return builds;
    }

    public StepResult build(@Body StepResult moduleBuild, @ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage) {
        Instant started = Instant.now();
        String module = moduleBuild.name();
        run.stage(stage).ifPresent(s -> s.stepStarted(module, started));
        String lower = module.toLowerCase(java.util.Locale.ROOT);
        String repository = config.containers().repository().replace("{module}", lower);
        List<String> tags = tags(run);
        String publishDir = moduleBuild.details().get("publishDir");
        if (publishDir == null || !Files.isDirectory(Path.of(publishDir))) {
            return step(module, Status.FAILED, started, List.of(), Map.of(),
                    "the module build left no " + config.modules().publishDir() + "/ directory in OUTPUT_DIR");
        }
        Path output = run.releaseDir().resolve(IMAGES_DIR).resolve(lower + ".oci.tar");
        try {
            // Jib's layer cache stays with the release's working files, out of the published images/ folder.
            var builder = new OciImageBuilder(run.releaseDir().resolve("work").resolve("jib-cache"));
            var result = builder.build(new OciImageBuilder.ImageSpec(
                    Path.of(publishDir),
                    config.containers().appRoot(),
                    config.containers().baseImage(),
                    config.containers().entrypoint().stream().map(a -> a.replace("{module}", module)).toList(),
                    Map.of("org.opencontainers.image.version", run.version(),
                            "org.opencontainers.image.revision", run.getCommit() == null ? "" : run.getCommit(),
                            "org.opencontainers.image.title", module),
                    Map.of(),
                    repository,
                    tags,
                    output,
                    run.reproducibleTime()));
            Artifact artifact = new Artifact("image", run.releaseDir().relativize(output).toString(), Files2.sha256(output),
                    Files.size(output));
            return step(module, Status.DONE, started, List.of(artifact),
                    Map.of("repository", repository, "tags", String.join(",", tags), "digest", result.digest()), null);
        } catch (Exception e) {
            return step(module, Status.FAILED, started, List.of(), Map.of(), "image build failed: " + e.getMessage());
        }
    }

    /**
     * A suite's images get the configured tags ({version}, {channel}, latest); a module release's image only
     * {@code {module}:{version}}: channel and latest tags belong to the suite, which a module release must not move.
     */
    private List<String> tags(ReleaseRun run) {
        if (run.isModuleRelease()) {
            return List.of(run.version());
        }
        SuiteVersion suite = run.requireSuite();
        return List.copyOf(new LinkedHashSet<>(config.containers().tags().stream()
                .map(t -> t.replace("{version}", suite.version()).replace("{channel}", suite.channel()))
                .toList()));
    }

    private static StepResult step(String module, Status status, Instant started, List<Artifact> artifacts,
                                   Map<String, String> details, String message) {
        Instant now = Instant.now();
        return new StepResult(STAGE, module, status, null, started, now, Duration.between(started, now).toMillis(), null,
                artifacts, details, message);
    }
}
