package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** One module's build fails: the others still finish, the stage fails, nothing after it runs, the summary says why. */
class FailingModuleTest extends PipelineTestSupport {

    @Override
    protected void configure(ObjectNode config) {
        Fixtures.prefixEnv((ObjectNode) config.get("modules"), "STELLA_EXAMPLE_FAIL_MODULE=Signer");
    }

    @Test
    void aFailingModuleFailsTheStageAfterTheOthersFinish() throws Exception {
        ReleaseRun run = release("suite-2026.04-nova", true);

        assertThat(run.isSucceeded()).isFalse();
        StageRecord modules = run.stage("build-modules").orElseThrow();
        assertThat(modules.getStatus()).isEqualTo(Status.FAILED);
        assertThat(modules.getSteps()).hasSize(9);
        assertThat(modules.getSteps()).filteredOn(s -> s.status() == Status.DONE).hasSize(8);
        StepResult signer = modules.failedSteps().get(0);
        assertThat(signer.name()).isEqualTo("Signer");
        assertThat(signer.exitCode()).isEqualTo(3);
        assertThat(modules.getReason()).contains("Signer (exit code 3)").contains("STELLA_EXAMPLE_FAIL_MODULE");

        // Later stages never started; the summary still got written and names the module.
        assertThat(run.getStages()).extracting(StageRecord::getName)
                .containsExactly("validate", "test-gate", "build-modules", "summary");
        String summary = Files.readString(out.resolve("2026.04/summary.md"));
        assertThat(summary).contains("FAILED").contains("| Signer | failed").contains("exit code 3")
                .contains("logs/build-modules/Signer.log");
        assertThat(out.resolve("2026.04/suite-2026.04.yaml")).doesNotExist();
    }
}
