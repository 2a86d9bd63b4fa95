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

/** A stage added by editing YAML alone (a new route file and one line in the pipeline) runs in its place. */
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
            Files.writeString(routes.resolve("stage-sbom.yaml"), """
                    - route:
                        id: stage-sbom
                        from:
                          uri: direct:sbom
                          steps:
                            - step:
                                id: sbom
                                steps:
                                  - setBody:
                                      simple: "sbom of ${exchangeProperty.version}"
                                  - to: "file:%s?fileName=sbom.txt"
                    """.formatted(routes.resolve("sbom-out")));
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
    }
}
