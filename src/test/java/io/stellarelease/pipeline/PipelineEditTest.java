package io.stellarelease.pipeline;

import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stage added by editing YAML alone (a new route file and one line in the pipeline) runs in its place and gets what
 * ours get: its command is a tracked step with a log, its file is in the checksums and the manifest.
 */
class PipelineEditTest extends PipelineTestSupport {

    @Override
    protected String routesPattern() {
        try {
            Path routes = Files.createTempDirectory("stella-routes-");
            Fixtures.copyTree(Fixtures.REPO_ROOT.resolve("routes"), routes);
            Path pipeline = routes.resolve("pipeline.yaml");
            String text = Files.readString(pipeline);
            String edited = text.replace("              - to: direct:build-helm\n",
                    "              - to: direct:build-helm\n              - to: direct:sbom\n");
            assertThat(edited).isNotEqualTo(text);
            Files.writeString(pipeline, edited);
            // An SBOM stage written in YAML alone: a command run as a tracked step, its file registered as an artifact.
            // The script gets the run's values as environment variables.
            Path script = Files.writeString(tmp.resolve("sbom.sh"),
                    "printf '{\"name\": \"%s\"}' \"$RELEASE_TAG\" > \"$RELEASE_DIR/sbom.spdx.json\"\n");
            Files.writeString(routes.resolve("stage-sbom.yaml"), """
                    - route:
                        id: stage-sbom
                        note: "needs: modules"
                        from:
                          uri: direct:sbom
                          steps:
                            - step:
                                id: sbom
                                steps:
                                  - to:
                                      uri: kamelet:stella-exec
                                      parameters:
                                        name: spdx
                                        command: "[bash, %s]"
                                  - to:
                                      uri: kamelet:stella-artifact
                                      parameters:
                                        file: sbom.spdx.json
                    """.formatted(script));
            return "file:" + routes + "/*.yaml";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void anAddedStageRunsWhereThePipelineListsIt() throws Exception {
        ReleaseRun run = release("suite-2026.04-nova", true);

        assertThat(run.isSucceeded()).isTrue();
        assertThat(run.getStages()).extracting(StageRecord::getName).containsSubsequence("build-helm", "sbom", "release-manifest");
        assertThat(run.stage("sbom").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        assertThat(Files.readString(out.resolve("2026.04/summary.md"))).contains("| sbom | done");
        Path dir = out.resolve("2026.04");
        assertThat(dir.resolve("sbom.spdx.json")).content().isEqualTo("{\"name\": \"suite-2026.04-nova\"}");
        assertThat(dir.resolve("logs/sbom/spdx.log")).exists();
        assertThat(dir.resolve("SHA256SUMS-2026.04.txt")).content().contains("  sbom.spdx.json\n");
        assertThat(dir.resolve("suite-2026.04.yaml")).content().containsPattern("artifacts:\n- path: \"?sbom\\.spdx\\.json");
        assertThat(Fixtures.run(dir, "sha256sum", "--strict", "-c", "SHA256SUMS-2026.04.txt")).doesNotContain("FAILED");
        assertThat(run.stage("sbom").orElseThrow().getSteps()).extracting(s -> s.name()).containsExactly("sbom.spdx.json", "spdx");
    }
}
