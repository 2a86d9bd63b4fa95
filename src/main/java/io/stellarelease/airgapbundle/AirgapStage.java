package io.stellarelease.airgapbundle;

import io.stellarelease.config.AirgapSettings;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.clients.RetryPolicy;
import io.stellarelease.targets.PlanFile;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.releasemanifest.Checksums;
import io.stellarelease.releasemanifest.ReleaseManifest;
import io.stellarelease.state.Artifact;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The airgap-bundle stage, after release-manifest: {@code stellaops-airgap-<version>.tar[.gz|.zst]} from the release
 * directory (step {@value #BUNDLE}), then tested (step {@value #TEST}) by importing it, with the same code as
 * {@code airgap import}, into a registry with no other network (a scratch docker-registry on loopback that the stage
 * starts and stops, or {@code airgap.testRegistry}) and reading every tag back by digest.
 *
 * <p>The bundle holds the manifest and checksums release-manifest wrote, so it cannot be listed in them; its result
 * goes to {@code airgap-<version>.json} (bundle file, sha256, size, tested, registry, the tags read back), which with
 * the bundle is checksummed in {@code SHA256SUMS-airgap-<version>.txt}, to the stage's steps (state.json, summary.md)
 * and to the release history beside the manifest. The manifest and its checksums are never rewritten.
 */
public class AirgapStage {
    public static final String STAGE = "airgap-bundle";
    public static final String BUNDLE = "bundle";
    public static final String TEST = "test";

    private final ReleaseConfig config;
    private final AirgapSettings settings;
    private final RetryPolicy retry;
    private final List<String> secretSuffixes;

    public AirgapStage(ReleaseConfig config, RetryPolicy retry, List<String> secretSuffixes) {
        this.config = config;
        this.settings = AirgapSettings.of(config);
        this.retry = retry;
        this.secretSuffixes = List.copyOf(secretSuffixes);
    }

    public static String reportName(String version) {
        return "airgap-" + version + ".json";
    }

    public static String checksumsName(String version) {
        return "SHA256SUMS-airgap-" + version + ".txt";
    }

    public String skipReason(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        if (!settings.enabled()) {
            return "not enabled (airgap.enabled)";
        }
        return run.isModuleRelease() ? "a module release has no air-gap bundle" : null;
    }

    public StepResult bundle(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run,
            @ExchangeProperty(ReleaseRun.STAGE) String stageName) {
        Instant started = Instant.now();
        run.stage(stageName).ifPresent(stage -> {
            stage.plan(List.of(BUNDLE, TEST));
            stage.stepStarted(BUNDLE, started);
        });
        SuiteVersion suite = run.requireSuite();
        Path dir = run.releaseDir();
        try {
            // Outputs of an earlier attempt go first: a changed compression must not leave a stale bundle behind.
            for (AirgapSettings.Compression c : AirgapSettings.Compression.values()) {
                Files.deleteIfExists(bundleFile(run, c));
            }
            Files.deleteIfExists(dir.resolve(reportName(suite.version())));
            Files.deleteIfExists(dir.resolve(checksumsName(suite.version())));
            Map<String, Object> suiteInfo = new LinkedHashMap<>();
            suiteInfo.put("version", suite.version());
            suiteInfo.put("codename", suite.codename());
            suiteInfo.put("channel", suite.channel());
            suiteInfo.put("tag", suite.tag());
            suiteInfo.put("commit", run.getCommit());
            AirgapBundleWriter.Bundle bundle = new AirgapBundleWriter().write(
                    new AirgapBundleWriter.Release(dir, suite.version(), ReleaseManifest.fileName(run),
                            Checksums.fileName(suite.version()), suiteInfo),
                    bundleFile(run, settings.compression()), workDir(run).resolve("layout"), run.reproducibleTime(),
                    settings.compression(), this::chartRepository);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("compression", settings.compression().label());
            details.put("images", String.valueOf(bundle.images().size()));
            details.put("tags", String.valueOf(bundle.tagCount()));
            details.put("files", String.valueOf(bundle.files()));
            Artifact artifact = new Artifact("airgap", dir.relativize(bundle.file()).toString(), bundle.sha256(), bundle.size());
            return step(BUNDLE, Status.DONE, started, List.of(artifact), details,
                    bundle.images().size() + " image(s), " + bundle.tagCount() + " tag(s), " + bundle.files() + " file(s)");
        } catch (Exception e) {
            return step(BUNDLE, Status.FAILED, started, List.of(), Map.of(), message(e));
        }
    }

    public StepResult test(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run,
            @ExchangeProperty(ReleaseRun.STAGE) String stageName) {
        Instant started = Instant.now();
        run.stage(stageName).ifPresent(stage -> stage.stepStarted(TEST, started));
        String version = run.requireSuite().version();
        Artifact bundleArtifact = run.stage(stageName).flatMap(s -> s.getSteps().stream()
                        .filter(step -> step.name().equals(BUNDLE) && step.status() == Status.DONE).findFirst())
                .map(step -> step.artifacts().get(0)).orElseThrow(() -> new IllegalStateException("no bundle was written"));
        Path bundleFile = run.releaseDir().resolve(bundleArtifact.path());
        AirgapImporter importer = new AirgapImporter(retry);
        try (AirgapBundle bundle = AirgapBundle.open(bundleFile, workDir(run))) {
            Optional<String> configured = settings.testRegistry();
            AirgapImporter.ImportResult result;
            if (configured.isPresent()) {
                // An existing registry is a target like the others: planned first, and not written to by a dry run.
                PlanFile.write(run, STAGE, configured.get(), importer.plan(bundle));
                if (run.getRequest().dryRun()) {
                    writeReport(run, bundleArtifact, null, configured.get());
                    return step(TEST, Status.SKIPPED, started, List.of(), Map.of("tested", "false"),
                            "dry run: not imported into airgap.testRegistry " + configured.get()
                                    + "; the requests are in release-plan.json");
                }
                result = importer.importInto(bundle, configured.get(), null);
            } else {
                if (run.getRequest().dryRun()) {
                    // A dry run needs no server: on a machine without docker-registry it still builds the bundle and
                    // says plainly that it was not tested. A real release fails here instead (ScratchRegistry.start).
                    try {
                        ScratchRegistry.executable(settings.dockerRegistryCommand().get(0));
                    } catch (AirgapException missing) {
                        writeReport(run, bundleArtifact, null, null);
                        return step(TEST, Status.SKIPPED, started, List.of(), Map.of("tested", "false"),
                                "dry run: bundle not tested, a real release fails here: " + missing.getMessage());
                    }
                }
                Path log = run.releaseDir().resolve("logs").resolve(STAGE).resolve("registry.log");
                Files.deleteIfExists(log);
                try (ScratchRegistry registry = ScratchRegistry.start(settings.dockerRegistryCommand(), log, secretSuffixes)) {
                    result = importer.importInto(bundle, registry.baseUrl(), null);
                }
            }
            writeReport(run, bundleArtifact, result, configured.orElse(null));
            Map<String, String> details = new LinkedHashMap<>();
            details.put("tested", "true");
            details.put("registry", configured.isPresent() ? result.registry() : "scratch " + result.registry());
            details.put("tagsChecked", String.valueOf(result.tags().size()));
            details.put("uploadedBlobs", String.valueOf(result.uploadedBlobs()));
            return step(TEST, Status.DONE, started, List.of(), details, "tested: imported into "
                    + (configured.isPresent() ? "airgap.testRegistry " : "a scratch registry ") + result.registry()
                    + ", " + result.tags().size() + " tag(s) read back at the bundle's digests");
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return step(TEST, Status.FAILED, started, List.of(), Map.of("tested", "false"), "bundle test failed: " + message(e));
        }
    }

    /**
     * {@code airgap-<version>.json}, the bundle's record (the manifest cannot hold it: the bundle contains the manifest),
     * and {@code SHA256SUMS-airgap-<version>.txt} over the bundle and the report.
     */
    private void writeReport(ReleaseRun run, Artifact bundle, AirgapImporter.ImportResult result, String configured)
            throws IOException {
        String version = run.requireSuite().version();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("schema", BundleFormat.SCHEMA);
        report.put("tag", run.releaseTag());
        report.put("dryRun", run.getRequest().dryRun());
        report.put("file", bundle.path());
        report.put("sha256", bundle.sha256());
        report.put("size", bundle.size());
        report.put("compression", settings.compression().label());
        report.put("tested", result != null);
        report.put("registry", result != null ? result.registry() : configured);
        report.put("scratchRegistry", configured == null);
        report.put("tagsChecked", result == null ? List.of() : result.tags().stream().map(t -> {
            Map<String, String> tag = new LinkedHashMap<>();
            tag.put("reference", t.reference());
            tag.put("digest", t.digest());
            return tag;
        }).toList());
        Path dir = run.releaseDir();
        Path reportFile = dir.resolve(reportName(version));
        Files2.writeAtomically(reportFile, BundleFormat.JSON.writeValueAsBytes(report));
        String sums = bundle.sha256() + "  " + bundle.path() + "\n"
                + Files2.sha256(reportFile) + "  " + reportName(version) + "\n";
        Files2.writeAtomically(dir.resolve(checksumsName(version)), sums.getBytes(StandardCharsets.UTF_8));
    }

    private Path bundleFile(ReleaseRun run, AirgapSettings.Compression compression) {
        return run.releaseDir().resolve(BundleFormat.baseName(run.requireSuite().version()) + compression.extension());
    }

    private static Path workDir(ReleaseRun run) {
        return run.releaseDir().resolve("work").resolve(STAGE);
    }

    /** A chart that was not pushed to a registry goes where the images go: {@code containers.repository} with charts/<chart>. */
    private String chartRepository(String chart) {
        return config.containers().repository().replace("{module}", "charts/" + chart);
    }

    private static String message(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static StepResult step(String name, Status status, Instant started, List<Artifact> artifacts,
                                   Map<String, String> details, String message) {
        Instant now = Instant.now();
        return new StepResult(STAGE, name, status, null, started, now, Duration.between(started, now).toMillis(), null,
                artifacts, details, message);
    }
}
