package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/** Module releases (module-<name>-v<semver>) through the real module pipeline route, checked on their outputs. */
class ModuleReleaseTest extends PipelineTestSupport {

    @Test
    void releasesOneModuleWithItsPackageImageManifestAndChecksums() throws Exception {
        ReleaseRun run = release("module-authority-v1.4.0", false);

        assertThat(run.getFailure()).isNull();
        assertThat(run.isSucceeded()).isTrue();
        assertThat(run.getKind()).isEqualTo("module");
        assertThat(run.getStages()).extracting(s -> s.getName()).containsExactly("validate-module", "test-gate",
                "build-modules", "publish-nuget", "build-containers", "push-containers", "release-manifest", "record-history", "summary");
        assertThat(run.stage("test-gate").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        assertThat(run.stage("publish-nuget").orElseThrow().getReason()).contains("no NuGet feed configured");
        // Only the released module is built, at the tag's version.
        assertThat(run.stage("build-modules").orElseThrow().getSteps()).extracting(s -> s.name()).containsExactly("Authority");
        assertThat(run.stage("build-containers").orElseThrow().getSteps()).singleElement()
                .satisfies(s -> assertThat(s.details().get("tags")).isEqualTo("1.4.0"));

        Path dir = out.resolve("modules/authority/1.4.0");
        assertThat(run.releaseDir()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(out.resolve("2026.04")).doesNotExist();
        JsonNode manifest = Fixtures.YAML.readTree(dir.resolve("module-authority-1.4.0.yaml").toFile());
        assertThat(manifest.at("/module/name").asText()).isEqualTo("Authority");
        assertThat(manifest.at("/module/version").asText()).isEqualTo("1.4.0");
        assertThat(manifest.at("/module/tag").asText()).isEqualTo("module-authority-v1.4.0");
        assertThat(manifest.at("/module/prerelease").asBoolean()).isFalse();
        assertThat(manifest.at("/module/commit").asText()).isEqualTo(Fixtures.run(workspace, "git", "rev-parse", "HEAD").strip());
        assertThat(manifest.has("suite")).isFalse();
        assertThat(manifest.at("/modules")).hasSize(1);
        assertThat(manifest.at("/modules/0/image/tags/0").asText()).isEqualTo("1.4.0");
        assertThat(manifest.at("/tests/suites")).hasSize(3);

        List<String> sums = Fixtures.lines(dir.resolve("SHA256SUMS-authority-1.4.0.txt"));
        assertThat(sums.stream().map(l -> l.substring(66)).toList()).containsExactly(
                "images/authority.oci.tar", "module-authority-1.4.0.yaml", "nuget/StellaOps.Authority.1.4.0.nupkg");
        assertThat(Fixtures.run(dir, "sha256sum", "--strict", "-c", "SHA256SUMS-authority-1.4.0.txt")).doesNotContain("FAILED");
        try (ZipFile zip = new ZipFile(dir.resolve("nuget/StellaOps.Authority.1.4.0.nupkg").toFile())) {
            String nuspec = new String(zip.getInputStream(zip.getEntry("StellaOps.Authority.nuspec")).readAllBytes());
            assertThat(nuspec).contains("<version>1.4.0</version>");
        }
        // Commands were told which module they are for; no suite variables leak in.
        String env = Files.readString(dir.resolve("state.json"));
        assertThat(env).contains("\"kind\":\"module\"");
        assertThat(Files.readString(dir.resolve("summary.md"))).startsWith("# Module release Authority 1.4.0: succeeded");
    }

    @Test
    void versionMustMatchTheModulesVersionTxt() {
        ReleaseRun run = release("module-authority-v1.4.1", true);
        assertThat(run.isSucceeded()).isFalse();
        assertThat(run.getFailure()).isEqualTo("validate-module: module-authority-v1.4.1: module version must match src/Authority/version.txt: "
                + "it holds 1.4.0, the tag says 1.4.1");
        assertThat(run.stage("build-modules")).isEmpty();
    }

    @Test
    void needsAChangelogSection() throws Exception {
        String signer = Files.readString(workspace.resolve("src/Signer/version.txt")).strip();
        // Without its own changelog the module's version must be in the workspace changelog, which does not name it.
        Files.delete(workspace.resolve("src/Signer/CHANGELOG.md"));
        ReleaseRun run = release("module-signer-v" + signer, true);
        assertThat(run.getFailure()).contains("changelog must have a section for " + signer);
        assertThat(run.stage("build-modules")).isEmpty();

        Files.writeString(workspace.resolve("src/Signer/CHANGELOG.md"), "## " + signer + "\n\n- fixed.\n");
        assertThat(release("module-signer-v" + signer, true).isSucceeded()).isTrue();
    }

    @Test
    void unknownModuleAndBadSemVerAreRejected() {
        assertThat(release("module-nope-v1.0.0", true).getFailure()).contains("module must be one of authority, signer");
        assertThat(release("module-authority-v1.4", true).getFailure()).contains("module version must be SemVer");
        assertThat(out.resolve("modules")).doesNotExist();
    }
}
