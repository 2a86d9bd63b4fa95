package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/** A full release of the example workspace through the real YAML routes, checked on its outputs. */
class SuiteReleaseTest extends PipelineTestSupport {

    /**
     * The publishing stages, signing, the database backup and the announcement: skipped here, where no target, key,
     * database or announcement is configured (PublishReleaseTest publishes, SignedSbomReleaseTest signs,
     * DatabaseRollbackTest backs up, AnnounceTest announces).
     */
    static final List<String> PUBLISHING = List.of("backup-database", "publish-nuget", "push-containers", "publish-helm",
            "create-release", "verify", "sign-checksums", "announce", "watch");

    /** The pipeline as configured in config/release.yaml, air-gap bundle included. */
    @Override
    protected void configure(com.fasterxml.jackson.databind.node.ObjectNode config) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) config.get("airgap")).put("enabled", true);
    }

    @Test
    void releasesTheExampleWorkspaceEndToEnd() throws Exception {
        ReleaseRun run = release("suite-2026.04-nova", false);

        assertThat(run.getFailure()).isNull();
        assertThat(run.isSucceeded()).isTrue();
        assertThat(run.getStages()).extracting(s -> s.getName()).containsExactly("validate", "test-gate",
                "build-modules", "build-containers", "build-cli", "build-helm", "sboms", "backup-database", "publish-nuget",
                "push-containers", "publish-helm", "release-manifest", "sign-checksums", "airgap-bundle", "create-release", "verify",
                "record-history", "announce", "watch", "summary");
        assertThat(run.getStages()).allSatisfy(s -> assertThat(s.getStatus())
                .isEqualTo(PUBLISHING.contains(s.getName()) ? Status.SKIPPED : Status.DONE));
        assertThat(run.stage("publish-nuget").orElseThrow().getReason()).contains("no NuGet feed configured");
        assertThat(run.stage("push-containers").orElseThrow().getReason()).contains("no registry configured");
        assertThat(run.stage("verify").orElseThrow().getReason()).contains("no publishing target configured");
        assertThat(run.stage("sign-checksums").orElseThrow().getReason()).isEqualTo("no signing key configured (signing.key, signing.minisign.key)");
        assertThat(run.stage("backup-database").orElseThrow().getReason()).isEqualTo("no database configured (database in the release configuration)");
        assertThat(run.stage("announce").orElseThrow().getReason()).isEqualTo("no announcement configured (announce in the release configuration)");
        Path dir = out.resolve("2026.04");

        // The manifest says what was released, with the checksums of the files that are really there.
        JsonNode manifest = Fixtures.YAML.readTree(dir.resolve("suite-2026.04.yaml").toFile());
        assertThat(manifest.at("/suite/version").asText()).isEqualTo("2026.04");
        assertThat(manifest.at("/suite/version").isTextual()).as("2026.04 must stay a string, not 2026.4").isTrue();
        assertThat(manifest.at("/suite/codename").asText()).isEqualTo("Nova");
        assertThat(manifest.at("/suite/channel").asText()).isEqualTo("edge");
        assertThat(manifest.at("/suite/tag").asText()).isEqualTo("suite-2026.04-nova");
        assertThat(manifest.at("/suite/commit").asText()).isEqualTo(Fixtures.run(workspace, "git", "rev-parse", "HEAD").strip());
        assertThat(manifest.at("/suite/dryRun").asBoolean()).isFalse();
        assertThat(manifest.at("/suite/support/prerelease").asBoolean()).isTrue();
        assertThat(manifest.at("/modules")).hasSize(9);
        JsonNode authority = manifest.at("/modules/0");
        assertThat(authority.get("name").asText()).isEqualTo("Authority");
        assertThat(authority.get("version").asText()).isEqualTo(Files.readString(workspace.resolve("src/Authority/version.txt")).strip());
        assertThat(manifest.at("/cli")).hasSize(5);
        assertThat(manifest.at("/helm/file").asText()).isEqualTo("helm/stellaops-2026.04.tgz");
        assertThat(manifest.at("/tests/suites")).hasSize(3);
        assertThat(manifest.at("/sbom/modules")).hasSize(9);
        // Written on several threads: one per module, each file about its own module.
        List<String> described = new java.util.ArrayList<>();
        for (JsonNode sbom : manifest.at("/sbom/modules")) {
            JsonNode bom = new ObjectMapper().readTree(dir.resolve(sbom.get("file").asText()).toFile());
            assertThat(bom.at("/metadata/component/bom-ref").asText()).isEqualTo("module:" + sbom.get("name").asText());
            described.add(sbom.get("name").asText());
        }
        assertThat(described).containsExactlyInAnyOrderElementsOf(manifest.at("/modules").findValuesAsText("name"));
        assertThat(manifest.at("/sbom/suite/file").asText()).isEqualTo("sbom/suite-2026.04.cdx.json");
        assertThat(Files.exists(dir.resolve("SHA256SUMS-2026.04.txt.asc"))).isFalse();

        // sha256sum itself agrees with the checksums file.
        List<String> sumLines = Fixtures.lines(dir.resolve("SHA256SUMS-2026.04.txt"));
        // packages, images, CLI archives, chart, the 9 module SBOMs and the suite's, the manifest
        assertThat(sumLines).hasSize(9 + 9 + 5 + 1 + 10 + 1).allMatch(l -> l.matches("[0-9a-f]{64}  \\S+"));
        assertThat(sumLines.stream().map(l -> l.substring(66)).toList()).isSorted().contains("suite-2026.04.yaml");
        assertThat(Files.readString(dir.resolve("SHA256SUMS-2026.04.txt"))).doesNotContain("\r").endsWith("\n");
        String check = Fixtures.run(dir, "sha256sum", "--strict", "-c", "SHA256SUMS-2026.04.txt");
        assertThat(check).doesNotContain("FAILED");

        // Every NuGet package has the module's id and version in its nuspec.
        for (JsonNode module : manifest.at("/modules")) {
            String name = module.get("name").asText();
            String version = module.get("version").asText();
            Path nupkg = dir.resolve(module.at("/nuget/file").asText());
            assertThat(nupkg.getFileName().toString()).isEqualTo("StellaOps." + name + "." + version + ".nupkg");
            try (ZipFile zip = new ZipFile(nupkg.toFile())) {
                String nuspec = new String(zip.getInputStream(zip.getEntry("StellaOps." + name + ".nuspec")).readAllBytes());
                assertThat(nuspec).contains("<id>StellaOps." + name + "</id>").contains("<version>" + version + "</version>");
            }
            // Each image's recorded digest is the sha256 of the manifest stored in its OCI tarball.
            JsonNode image = module.get("image");
            assertThat(image.get("repository").asText()).isEqualTo("git.stella-ops.org/stella-ops.org/" + name.toLowerCase());
            assertThat(image.get("tags")).extracting(JsonNode::asText).containsExactly("2026.04", "edge", "latest");
            assertThat(image.get("digest").asText()).isEqualTo(manifestDigestIn(dir.resolve(image.get("file").asText())));
        }

        // CLI archives: tar.gz with the binary, zip for Windows.
        String linux = Fixtures.run(dir, "tar", "-tzf", "cli/stella-2026.04-linux-x64.tar.gz");
        assertThat(linux.lines()).contains("stella");
        String windows = Fixtures.run(dir, "unzip", "-Z1", "cli/stella-2026.04-win-x64.zip");
        assertThat(windows.lines()).contains("stella.exe");
        String chart = Fixtures.run(dir, "tar", "-xzOf", "helm/stellaops-2026.04.tgz", "stellaops/Chart.yaml");
        assertThat(chart).containsPattern("(?m)^version: \"?2026.04\"?$").containsPattern("(?m)^appVersion: \"?2026.04\"?$");

        // The air-gap bundle, tested in a scratch registry; it carries the manifest and checksums, so it is not in them.
        assertThat(dir.resolve("stellaops-airgap-2026.04.tar")).isRegularFile();
        assertThat(Fixtures.YAML.readTree(dir.resolve("airgap-2026.04.json").toFile()).get("tested").asBoolean()).isTrue();
        assertThat(Fixtures.run(dir, "sha256sum", "--strict", "-c", "SHA256SUMS-airgap-2026.04.txt")).doesNotContain("FAILED");

        // Nothing configured, nothing planned.
        assertThat(dir.resolve("release-plan.json")).doesNotExist();

        // The summary has a row per stage and per module, and every step's log is on disk.
        String summary = Files.readString(dir.resolve("summary.md"));
        assertThat(summary).contains("succeeded").contains("| build-modules | done").contains("| Authority | done")
                .contains("| linux-x64 | done").contains("Total time");
        assertThat(dir.resolve("logs/build-modules/Authority.log")).content().contains("build-modules/Authority");
        assertThat(dir.resolve("state.json")).exists();
    }

    @Test
    void skipTestsSkipsTheTestGateOnly() throws Exception {
        ReleaseRun run = release("suite-2026.04-nova", true);

        assertThat(run.isSucceeded()).isTrue();
        assertThat(run.stage("test-gate").orElseThrow().getStatus()).isEqualTo(Status.SKIPPED);
        assertThat(run.stage("test-gate").orElseThrow().getReason()).contains("--skip-tests");
        assertThat(run.stage("build-modules").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        assertThat(out.resolve("2026.04/logs/test-gate")).doesNotExist();
        JsonNode manifest = Fixtures.YAML.readTree(out.resolve("2026.04/suite-2026.04.yaml").toFile());
        assertThat(manifest.at("/tests/status").asText()).isEqualTo("skipped");
    }

    @Test
    void aSecondRunOfTheSameCommitProducesTheSameArtifacts() throws Exception {
        release("suite-2026.04-nova", true);
        Map<String, String> first = sums(out.resolve("2026.04/SHA256SUMS-2026.04.txt"));
        release("suite-2026.04-nova", true);
        Map<String, String> second = sums(out.resolve("2026.04/SHA256SUMS-2026.04.txt"));

        // Archives, packages, charts, images and SBOMs are reproducible; only the manifest's release time differs.
        first.remove("suite-2026.04.yaml");
        second.remove("suite-2026.04.yaml");
        assertThat(second).isEqualTo(first).hasSize(24 + 10);
    }

    private static Map<String, String> sums(Path file) {
        Map<String, String> sums = new HashMap<>();
        for (String line : Fixtures.lines(file)) {
            sums.put(line.substring(66), line.substring(0, 64));
        }
        return sums;
    }

    /** Reads the OCI tarball with commons-compress, follows index.json to the manifest blob and hashes it. */
    static String manifestDigestIn(Path tar) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
                if (e.isFile() && e.getSize() < 1 << 20) {
                    entries.put(e.getName().replaceFirst("^\\./", ""), t.readAllBytes());
                }
            }
        }
        JsonNode index = new ObjectMapper().readTree(entries.get("index.json"));
        List<String> digests = index.findValuesAsText("digest");
        String digest = digests.get(0);
        byte[] manifest = entries.get("blobs/sha256/" + digest.substring("sha256:".length()));
        assertThat(manifest).as("manifest blob %s in %s", digest, tar).isNotNull();
        try {
            String actual = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(manifest));
            assertThat(actual).isEqualTo(digest);
            return actual;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
