package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A CLI build that runs past its timeout: its whole process tree is killed and the release stops there. */
class TimeoutTest extends PipelineTestSupport {
    // An unusual duration, so the test can find the build's own sleep among the machine's processes.
    private static final String SLEEP = "37.913";

    @Override
    protected void configure(ObjectNode config) {
        ObjectNode cli = (ObjectNode) config.get("cli");
        Fixtures.prefixEnv(cli, "STELLA_EXAMPLE_SLEEP=" + SLEEP);
        cli.put("timeout", "PT2S");
        cli.putArray("runtimes").add("linux-x64").add("win-x64");
    }

    @Test
    void aTimedOutCommandIsKilledWithItsChildren() throws Exception {
        ReleaseRun run = release("suite-2026.04-nova", true);

        StageRecord cli = run.stage("build-cli").orElseThrow();
        assertThat(cli.getStatus()).isEqualTo(Status.FAILED);
        assertThat(cli.getSteps()).hasSize(2).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(Status.TIMED_OUT);
            assertThat(s.message()).contains("timed out after 2.0 s");
        });
        List<String> left = ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(SLEEP))
                .toList();
        assertThat(left).as("processes of the killed builds still running").isEmpty();
        assertThat(run.getStages()).extracting(StageRecord::getName).doesNotContain("build-helm", "release-manifest");
        assertThat(Files.readString(out.resolve("2026.04/summary.md"))).contains("| linux-x64 | timed-out");
        assertThat(out.resolve("2026.04/logs/build-cli/linux-x64.log")).content().contains("killed after the timeout");
    }
}
