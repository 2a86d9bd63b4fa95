package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StepResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Module builds run in parallel, at most `parallelism` at once. */
class ParallelBuildTest extends PipelineTestSupport {

    @Override
    protected void configure(ObjectNode config) {
        config.put("parallelism", 3);
        Fixtures.prefixEnv((ObjectNode) config.get("modules"), "STELLA_EXAMPLE_SLEEP=1");
    }

    @Test
    void moduleBuildsOverlapButNeverExceedTheParallelism() {
        ReleaseRun run = release("suite-2026.04-nova", true);

        assertThat(run.isSucceeded()).isTrue();
        List<StepResult> steps = run.stage("build-modules").orElseThrow().getSteps();
        assertThat(steps).hasSize(9);
        int most = 0;
        for (StepResult step : steps) {
            // How many builds were running at the moment this one started (itself included).
            long running = steps.stream().filter(o -> !o.startedAt().isAfter(step.startedAt())
                    && o.finishedAt().isAfter(step.startedAt())).count();
            most = Math.max(most, (int) running);
        }
        assertThat(most).as("most builds running at once").isGreaterThan(1).isLessThanOrEqualTo(3);
    }
}
