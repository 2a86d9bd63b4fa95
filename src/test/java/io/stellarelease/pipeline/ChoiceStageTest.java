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
 * A stage the pipeline calls under a {@code choice} that does not select it is still accounted for: skipped, with the
 * reason, in the run and in summary.md, never silently absent.
 */
class ChoiceStageTest extends PipelineTestSupport {

    @Override
    protected String routesPattern() {
        try {
            Path routes = Files.createTempDirectory("stella-routes-");
            Fixtures.copyTree(Fixtures.REPO_ROOT.resolve("routes"), routes);
            Path pipeline = routes.resolve("pipeline.yaml");
            String text = Files.readString(pipeline);
            String pad = " ".repeat(14);
            String edited = text.replace(pad + "- to: direct:announce\n",
                    pad + "- choice:\n"
                    + pad + "    when:\n"
                    + pad + "      - simple: \"${exchangeProperty.dryRun} == false\"\n"
                    + pad + "        steps:\n"
                    + pad + "          - to: direct:announce\n");
            assertThat(edited).isNotEqualTo(text);
            Files.writeString(pipeline, edited);
            return "file:" + routes + "/*.yaml";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aStageTheChoiceDidNotSelectIsSkippedWithTheReason() throws Exception {
        ReleaseRun run = release("suite-2026.04-nova", true, true);

        assertThat(run.isSucceeded()).as(run.getFailure()).isTrue();
        var announce = run.stage("announce").orElseThrow();
        assertThat(announce.getStatus()).isEqualTo(Status.SKIPPED);
        assertThat(announce.getReason()).isEqualTo("not called: the pipeline's choice or filter around it did not select it");
        assertThat(Files.readString(out.resolve("2026.04/summary.md"))).contains("| announce | skipped");
    }
}
