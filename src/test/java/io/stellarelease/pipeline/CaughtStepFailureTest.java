package io.stellarelease.pipeline;

import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stage whose own {@code doTry}/{@code doCatch} catches a failed step's error still fails: its step is recorded as
 * failed, and a release must not exit 0 as released with a failed step in its summary (as with a handled onException).
 */
class CaughtStepFailureTest extends PipelineTestSupport {

    @Override
    protected String routesPattern() {
        try {
            Path routes = Files.createTempDirectory("stella-routes-");
            Fixtures.copyTree(Fixtures.REPO_ROOT.resolve("routes"), routes);
            Path pipeline = routes.resolve("pipeline.yaml");
            String text = Files.readString(pipeline);
            String edited = text.replace("              - to: direct:build-helm\n",
                    "              - to: direct:build-helm\n              - to: direct:lint\n");
            assertThat(edited).isNotEqualTo(text);
            Files.writeString(pipeline, edited);
            Files.writeString(routes.resolve("stage-lint.yaml"), """
                    - route:
                        id: stage-lint
                        note: "needs: modules"
                        from:
                          uri: direct:lint
                          steps:
                            - step:
                                id: lint
                                steps:
                                  - doTry:
                                      steps:
                                        - to:
                                            uri: kamelet:stella-exec
                                            parameters: {name: lint, command: "[bash, -c, 'exit 3']"}
                                      doCatch:
                                        - exception: [java.lang.Exception]
                                          steps:
                                            - log: "lint failed: ${exception.message}"
                    """);
            return "file:" + routes + "/*.yaml";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aStepFailureTheStageCaughtStillFailsTheStage() throws Exception {
        ReleaseRun run = release("suite-2026.04-nova", true, true);

        var lint = run.stage("lint").orElseThrow();
        assertThat(lint.getSteps()).extracting(s -> s.status()).containsExactly(Status.FAILED);
        assertThat(lint.getStatus()).isEqualTo(Status.FAILED);
        assertThat(lint.getReason()).contains("lint (exit code 3)").contains("caught");
        assertThat(run.isSucceeded()).isFalse();
        assertThat(run.getFailure()).startsWith("lint (");
        assertThat(run.stage("release-manifest")).isEmpty();
    }
}
