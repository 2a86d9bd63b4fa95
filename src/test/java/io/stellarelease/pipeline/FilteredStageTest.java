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
 * A stage whose work a {@code filter} skips (here build-helm's, around its bean) must not record the step result the
 * previous stage left in the body as its own: that made the CLI's last archive the release's "chart" in the manifest.
 * The stage fails, saying its work did not run and how a stage skips itself (skipReason).
 */
class FilteredStageTest extends PipelineTestSupport {

    @Override
    protected String routesPattern() {
        try {
            Path routes = Files.createTempDirectory("stella-routes-");
            Fixtures.copyTree(Fixtures.REPO_ROOT.resolve("routes"), routes);
            Path helm = routes.resolve("stage-build-helm.yaml");
            String text = Files.readString(helm);
            String edited = text.replace("""
                                  - bean:
                                      ref: helmChart
                                      method: build
                    """, """
                                  - filter:
                                      simple: "${exchangeProperty.version} == 'never'"
                                      steps:
                                        - bean:
                                            ref: helmChart
                                            method: build
                    """);
            assertThat(edited).isNotEqualTo(text);
            Files.writeString(helm, edited);
            return "file:" + routes + "/*.yaml";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aStageWhoseWorkWasFilteredOutFailsInsteadOfRecordingThePreviousStagesResult() throws Exception {
        ReleaseRun run = release("suite-2026.04-nova", true, true);

        assertThat(run.isSucceeded()).isFalse();
        var helm = run.stage("build-helm").orElseThrow();
        assertThat(helm.getStatus()).isEqualTo(Status.FAILED);
        assertThat(helm.getReason()).contains("build-cli").contains("skipReason");
        assertThat(helm.getSteps()).isEmpty();
        assertThat(run.getFailure()).startsWith("build-helm (");
        assertThat(out.resolve("2026.04/suite-2026.04.yaml")).doesNotExist();
    }
}
