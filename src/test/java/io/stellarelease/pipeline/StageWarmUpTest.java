package io.stellarelease.pipeline;

import io.stellarelease.state.ReleaseRun;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run starts the warm-up of the beans of the stages its plan holds, in the background, and of no others; a warm-up
 * that fails costs the run nothing (the stage meets the problem itself when it runs).
 */
class StageWarmUpTest extends PipelineTestSupport {
    private final List<String> warmed = new CopyOnWriteArrayList<>();
    private final CountDownLatch finished = new CountDownLatch(1);

    /** This thread's name without Camel's prefix ("Camel (camel-1) thread #7 - "). */
    private static String thread() {
        return Thread.currentThread().getName().replaceFirst("^Camel \\(.*\\) thread #\\d+ - ", "");
    }

    private StageWarmUp bean(String stage, boolean fails) {
        return new StageWarmUp() {
            @Override
            public String stage() {
                return stage;
            }

            @Override
            public void warmUp() {
                warmed.add(stage + " on " + thread());
                if (fails) {
                    throw new IllegalStateException("warm-up broke");
                }
            }
        };
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("warmHelm", bean("build-helm", true));
        registry.bind("warmNothing", bean("no-such-stage", false));
        // Found by type like the others; its stage is the last one's, so the thread has passed the rest when it runs.
        registry.bind("warmSummary", new StageWarmUp() {
            @Override
            public String stage() {
                return "summary";
            }

            @Override
            public void warmUp() {
                warmed.add("summary on " + thread());
                finished.countDown();
            }
        });
    }

    @Test
    void theBeansOfPlannedStagesWarmUpInTheBackground() throws Exception {
        ReleaseRun run = release("suite-2026.04-nova", true, true);

        assertThat(run.isSucceeded()).isTrue();
        assertThat(finished.await(60, TimeUnit.SECONDS)).as("the summary's warm-up ran").isTrue();
        assertThat(warmed).containsExactlyInAnyOrder("build-helm on stage-warm-up", "summary on stage-warm-up");

        // A later run (serve's next one) warms nothing again: each bean once per runner.
        assertThat(release("suite-2026.04-nova", true, true).isSucceeded()).isTrue();
        assertThat(warmed).hasSize(2);
    }
}
