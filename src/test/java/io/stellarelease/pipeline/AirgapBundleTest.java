package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.airgapbundle.AirgapBundle;
import io.stellarelease.airgapbundle.AirgapStage;
import io.stellarelease.cli.StellaRelease;
import io.stellarelease.clients.LocalRegistry;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The airgap-bundle stage through the real routes: the bundle is written, tested in a scratch docker-registry the stage
 * starts, then imported with {@code stella-release airgap import} into a registry the test starts and read back with
 * skopeo, an independent client; the extracted layout is read with skopeo's {@code oci:} transport; a tampered bundle
 * is refused naming the file.
 */
class AirgapBundleTest extends PipelineTestSupport {
    static final String TAG = "suite-2026.04-nova";
    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void configure(ObjectNode config) {
        config.putObject("airgap").put("enabled", true).put("compression", "none").putNull("testRegistry");
    }

    @Test
    void theBundleIsWrittenTestedAndImportsIntoAnotherRegistry() throws Exception {
        LocalRegistry.requireTool("skopeo", "skopeo");
        LocalRegistry.requireTool("docker-registry", "docker-registry");
        ReleaseRun run = release(TAG, true);

        assertThat(run.getFailure()).isNull();
        assertThat(run.getStages()).extracting(s -> s.getName()).containsSubsequence("release-manifest", "airgap-bundle", "create-release");
        assertThat(run.stage("airgap-bundle").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        Path dir = out.resolve("2026.04");
        Path bundle = dir.resolve("stellaops-airgap-2026.04.tar");
        JsonNode manifest = Fixtures.YAML.readTree(dir.resolve("suite-2026.04.yaml").toFile());
        Map<String, String> expected = expectedTags(manifest, dir);
        assertThat(expected).hasSize(9 * 3 + 1);

        // The stage tested it: every tag read back from a scratch registry, which is gone again.
        StepResult test = run.doneSteps("airgap-bundle").stream().filter(s -> s.name().equals("test")).findFirst().orElseThrow();
        assertThat(test.details()).containsEntry("tested", "true").containsEntry("tagsChecked", "28");
        assertThat(test.details().get("registry")).startsWith("scratch http://127.0.0.1:");
        assertThat(dir.resolve("logs/airgap-bundle/registry.log.pid")).doesNotExist();
        JsonNode report = JSON.readTree(dir.resolve("airgap-2026.04.json").toFile());
        assertThat(report.get("tested").asBoolean()).isTrue();
        assertThat(report.get("file").asText()).isEqualTo("stellaops-airgap-2026.04.tar");
        assertThat(report.get("sha256").asText()).isEqualTo(sha256(Files.readAllBytes(bundle)).substring(7));
        assertThat(report.get("size").asLong()).isEqualTo(Files.size(bundle));
        assertThat(report.get("tagsChecked")).hasSize(28);
        assertThat(Fixtures.run(dir, "sha256sum", "--strict", "-c", "SHA256SUMS-airgap-2026.04.txt"))
                .contains("stellaops-airgap-2026.04.tar: OK").contains("airgap-2026.04.json: OK");
        assertThat(Files.readString(dir.resolve("summary.md"))).contains("| airgap-bundle | done")
                .contains("tested: imported into a scratch registry http://127.0.0.1:").contains("28 tag(s) read back");
        assertThat(tmp.resolve("state/history/suites/" + TAG + ".airgap.json")).hasSameTextualContentAs(dir.resolve("airgap-2026.04.json"));
        // The manifest and its checksums are release-manifest's, untouched: the bundle is not in them.
        assertThat(Files.readString(dir.resolve("SHA256SUMS-2026.04.txt"))).doesNotContain("airgap");

        // Inside: one top directory, sorted entries, all at the commit time, owned by 0:0.
        long commitTime = Long.parseLong(Fixtures.run(workspace, "git", "log", "-1", "--format=%ct").strip());
        List<String> names = new ArrayList<>();
        try (InputStream in = Files.newInputStream(bundle); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                names.add(e.getName());
                assertThat(e.getModTime().toInstant()).isEqualTo(Instant.ofEpochSecond(commitTime));
                assertThat(e.getLongUserId()).isZero();
            }
        }
        assertThat(names).isSorted().allMatch(n -> n.startsWith("stellaops-airgap-2026.04/"))
                .contains("stellaops-airgap-2026.04/airgap-index.json", "stellaops-airgap-2026.04/oci/index.json",
                        "stellaops-airgap-2026.04/oci/oci-layout", "stellaops-airgap-2026.04/suite-2026.04.yaml",
                        "stellaops-airgap-2026.04/SHA256SUMS-2026.04.txt", "stellaops-airgap-2026.04/helm/stellaops-2026.04.tgz",
                        "stellaops-airgap-2026.04/cli/stella-2026.04-win-x64.zip",
                        "stellaops-airgap-2026.04/nuget/StellaOps.Authority." + manifest.at("/modules/0/version").asText() + ".nupkg")
                .noneMatch(n -> n.contains("images/"));

        // Extracted with GNU tar: the release's checksums hold for every file it carries (the image tarballs are
        // in the layout instead), and skopeo reads every tag from the layout at the manifest's digest.
        Path extracted = Files.createDirectories(tmp.resolve("extracted"));
        Fixtures.run(extracted, "tar", "-xf", bundle.toString());
        Path root = extracted.resolve("stellaops-airgap-2026.04");
        assertThat(Fixtures.run(root, "sha256sum", "--strict", "--ignore-missing", "-c", "SHA256SUMS-2026.04.txt"))
                .contains("suite-2026.04.yaml: OK").doesNotContain("FAILED");
        for (Map.Entry<String, String> tag : expected.entrySet()) {
            String raw = LocalRegistry.run(List.of("skopeo", "inspect", "--raw", "oci:" + root.resolve("oci") + ":" + tag.getKey()));
            assertThat(sha256(raw.getBytes(StandardCharsets.UTF_8))).as("oci: %s", tag.getKey()).isEqualTo(tag.getValue());
        }
        String authority = manifest.at("/modules/0/image/repository").asText() + ":2026.04";
        JsonNode inspected = JSON.readTree(LocalRegistry.run(List.of("skopeo", "inspect", "oci:" + root.resolve("oci") + ":" + authority)));
        assertThat(inspected.get("Digest").asText()).isEqualTo(manifest.at("/modules/0/image/digest").asText());

        // Reproducible: the stage run again over the same release writes the same bytes.
        byte[] first = Files.readAllBytes(bundle);
        AirgapStage stage = context.getRegistry().lookupByNameAndType("airgapBundle", AirgapStage.class);
        StepResult again = stage.bundle(run, "airgap-bundle");
        assertThat(again.status()).isEqualTo(Status.DONE);
        assertThat(Files.readAllBytes(bundle)).isEqualTo(first);

        // airgap import into another registry, with nothing but that registry: skopeo reads every tag at the manifest's digest.
        try (LocalRegistry site = new LocalRegistry()) {
            site.start();
            Cli imported = cli("airgap", "import", bundle.toString(), "--registry", site.baseUrl(), "--plain-http");
            assertThat(imported.exit()).as(imported.err()).isZero();
            assertThat(imported.out()).contains("28 tag(s) read back");
            for (JsonNode module : manifest.at("/modules")) {
                String path = module.at("/image/repository").asText().replaceFirst("^[^/]+/", "");
                for (JsonNode tag : module.at("/image/tags")) {
                    JsonNode remote = JSON.readTree(LocalRegistry.run(List.of("skopeo", "inspect", "--tls-verify=false",
                            "docker://" + site.hostPort() + "/" + path + ":" + tag.asText())));
                    assertThat(remote.get("Digest").asText()).as("%s:%s", path, tag.asText())
                            .isEqualTo(module.at("/image/digest").asText());
                }
            }
            String chartRaw = LocalRegistry.run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false",
                    "docker://" + site.hostPort() + "/stella-ops.org/charts/stellaops:2026.04"));
            assertThat(sha256(chartRaw.getBytes(StandardCharsets.UTF_8))).isEqualTo(expected.get(
                    "git.stella-ops.org/stella-ops.org/charts/stellaops:2026.04"));

            // Imported again: nothing is sent twice, every tag still reads back.
            Cli repeated = cli("airgap", "import", bundle.toString(), "--registry", site.baseUrl(), "--plain-http");
            assertThat(repeated.exit()).as(repeated.err()).isZero();
            assertThat(repeated.out()).contains("0 blob(s) sent");

            // Plain http needs saying so.
            assertThat(cli("airgap", "import", bundle.toString(), "--registry", site.baseUrl()).exit()).isEqualTo(2);
        }
    }

    @Test
    void aTamperedBundleIsRefusedNamingTheFile() throws Exception {
        ReleaseRun run = release(TAG, true);
        assertThat(run.getFailure()).isNull();
        Path bundle = out.resolve("2026.04/stellaops-airgap-2026.04.tar");
        String nupkg = "nuget/StellaOps.Policy.";

        // One byte of a package changed: it no longer matches the bundle's index.
        Path tampered = rewrite(bundle, tmp.resolve("tampered.tar"), (name, bytes) -> {
            if (name.contains(nupkg)) {
                bytes[bytes.length / 2] ^= 1;
            }
            return bytes;
        });
        Cli refused = cli("airgap", "import", tampered.toString(), "--registry", "http://127.0.0.1:9", "--plain-http");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("refused").contains("stellaops-airgap-2026.04/" + nupkg).contains("does not match airgap-index.json");

        // The index changed with it: the release's own checksums still catch the file.
        Path consistent = fixIndex(tampered, tmp.resolve("tampered-index.tar"));
        refused = cli("airgap", "import", consistent.toString(), "--registry", "http://127.0.0.1:9", "--plain-http");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains(nupkg).contains("does not match SHA256SUMS-2026.04.txt");

        // A blob swapped under its name is refused too; no request was sent (port 9 is not a registry).
        Path blob = rewrite(bundle, tmp.resolve("tampered-blob.tar"), (name, bytes) -> {
            if (name.contains("oci/blobs/sha256/") && bytes.length > 1000) {
                bytes[10] ^= 1;
            }
            return bytes;
        });
        refused = cli("airgap", "import", blob.toString(), "--registry", "http://127.0.0.1:9", "--plain-http");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("oci/blobs/sha256/");

        // The untouched bundle opens.
        try (AirgapBundle ok = AirgapBundle.open(bundle, tmp)) {
            assertThat(ok.targets()).hasSize(10);
        }
    }

    @Test
    void aDryRunBuildsAndTestsTheBundleLocally() throws Exception {
        ReleaseRun run = release(TAG, true, true);

        assertThat(run.getFailure()).isNull();
        assertThat(run.stage("airgap-bundle").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        JsonNode report = JSON.readTree(out.resolve("2026.04/airgap-2026.04.json").toFile());
        assertThat(report.get("dryRun").asBoolean()).isTrue();
        assertThat(report.get("tested").asBoolean()).isTrue();
        assertThat(report.get("scratchRegistry").asBoolean()).isTrue();
        // The scratch registry is local and no target: nothing goes into the plan (nothing else is configured here).
        assertThat(out.resolve("2026.04/release-plan.json")).doesNotExist();
        assertThat(tmp.resolve("state/history/suites/" + TAG + ".airgap.json")).doesNotExist();
    }

    /** Every image tag and the chart in the bundle, by reference, with the manifest's digest (the chart's as Helm pushes it). */
    static Map<String, String> expectedTags(JsonNode manifest, Path dir) throws Exception {
        Map<String, String> tags = new LinkedHashMap<>();
        for (JsonNode module : manifest.at("/modules")) {
            for (JsonNode tag : module.at("/image/tags")) {
                tags.put(module.at("/image/repository").asText() + ":" + tag.asText(), module.at("/image/digest").asText());
            }
        }
        Path chart = Files.createTempFile("chart-", ".oci.tar");
        try {
            String version = manifest.at("/helm/version").asText();
            tags.put("git.stella-ops.org/stella-ops.org/charts/stellaops:" + version, io.stellarelease.clients.HelmOciArtifact.write(
                    dir.resolve(manifest.at("/helm/file").asText()), "stellaops", version, version, chart));
        } finally {
            Files.deleteIfExists(chart);
        }
        return tags;
    }

    record Cli(int exit, String out, String err) { }

    /** Runs the command line in-process, as {@code bin/stella-release} would, capturing what it prints. */
    static synchronized Cli cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = StellaRelease.commandLine().execute(args);
            return new Cli(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** A copy of a bundle with each file's bytes passed through {@code change}. */
    static Path rewrite(Path bundle, Path target, BiFunction<String, byte[], byte[]> change) throws Exception {
        try (InputStream in = Files.newInputStream(bundle); TarArchiveInputStream tar = new TarArchiveInputStream(in);
             OutputStream os = Files.newOutputStream(target); TarArchiveOutputStream copy = new TarArchiveOutputStream(os)) {
            copy.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                byte[] bytes = e.isDirectory() ? new byte[0] : change.apply(e.getName(), tar.readAllBytes());
                TarArchiveEntry entry = new TarArchiveEntry(e.getName());
                entry.setMode(e.getMode());
                entry.setSize(bytes.length);
                copy.putArchiveEntry(entry);
                copy.write(bytes);
                copy.closeArchiveEntry();
            }
        }
        return target;
    }

    /** Recomputes airgap-index.json's entries from the files, as a careful tamperer would. */
    static Path fixIndex(Path bundle, Path target) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(bundle); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                if (e.isFile()) {
                    files.put(e.getName().substring(e.getName().indexOf('/') + 1), tar.readAllBytes());
                }
            }
        }
        ObjectNode index = (ObjectNode) JSON.readTree(files.get("airgap-index.json"));
        for (JsonNode f : index.get("files")) {
            byte[] bytes = files.get(f.get("path").asText());
            ((ObjectNode) f).put("sha256", sha256(bytes).substring(7)).put("size", bytes.length);
        }
        byte[] fixed = JSON.writeValueAsBytes(index);
        return rewrite(bundle, target, (name, bytes) -> name.endsWith("/airgap-index.json") ? fixed : bytes);
    }

    static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
