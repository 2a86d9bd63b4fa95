package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `modules.packages: null` and `cli.archive: null`: builds whose result is their exit code alone (here `true`,
 * which leaves nothing in OUTPUT_DIR) succeed, and the release lists them without packages or archives.
 */
class NoArtifactsTest extends PipelineTestSupport {

    @Override
    protected void configure(ObjectNode config) {
        ObjectNode modules = (ObjectNode) config.get("modules");
        modules.putNull("packages");
        modules.putArray("command").add("true");
        for (JsonNode item : modules.get("items")) {
            ((ObjectNode) item).put("image", false);
        }
        ObjectNode cli = (ObjectNode) config.get("cli");
        cli.putNull("archive");
        cli.putArray("command").add("true");
        // The shipped publishing targets, so the dry run's plan lists every request a real release would send.
        try {
            config.set("publish", Fixtures.YAML.readTree(Fixtures.REPO_ROOT.resolve("config/release.yaml").toFile()).get("publish"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void buildsWithNothingToCollectSucceedAndPublishNothing() throws Exception {
        ReleaseRun run = release("suite-2026.04-nova", true, true);

        assertThat(run.getFailure()).isNull();
        assertThat(run.isSucceeded()).isTrue();
        assertThat(run.stage("build-modules").orElseThrow().getSteps()).hasSize(9)
                .allSatisfy(s -> assertThat(s.status()).isEqualTo(Status.DONE));
        assertThat(run.stage("build-cli").orElseThrow().getSteps()).hasSize(5)
                .allSatisfy(s -> assertThat(s.artifacts()).isEmpty());
        assertThat(run.stage("build-containers").orElseThrow().getStatus()).isEqualTo(Status.SKIPPED);

        Path dir = out.resolve("2026.04");
        JsonNode manifest = Fixtures.YAML.readTree(dir.resolve("suite-2026.04.yaml").toFile());
        assertThat(manifest.at("/modules")).hasSize(9).allSatisfy(m -> {
            assertThat(m.has("nuget")).as("no nuget entry without packages").isFalse();
            assertThat(m.get("version").asText()).isNotEmpty();
        });
        assertThat((ArrayNode) manifest.at("/cli")).hasSize(5).allSatisfy(c -> assertThat(c.has("file")).isFalse());
        assertThat(dir.resolve("nuget")).doesNotExist();
        assertThat(dir.resolve("cli")).doesNotExist();

        // Only the chart, the SBOMs (9 modules by name and version, the suite) and the manifest are released, and the
        // checksums still check.
        List<String> sums = Fixtures.lines(dir.resolve("SHA256SUMS-2026.04.txt"));
        assertThat(sums).hasSize(2 + 10);
        assertThat(Fixtures.run(dir, "sha256sum", "--strict", "-c", "SHA256SUMS-2026.04.txt")).doesNotContain("FAILED");
        String plan = Files.readString(dir.resolve("release-plan.json"));
        assertThat(plan).contains("create-release").contains("suite-2026.04.yaml")
                .doesNotContain(".nupkg").doesNotContain("cli/stella-");
    }
}
