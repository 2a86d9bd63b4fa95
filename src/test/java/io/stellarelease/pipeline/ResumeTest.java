package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A run resumed from its state file skips the stages it completed and runs the rest, through the real routes. */
class ResumeTest extends PipelineTestSupport {

    @Test
    void aResumedRunStartsAtItsFirstUnfinishedStage() throws Exception {
        ReleaseRun first = release("suite-2026.04-nova", false);
        assertThat(first.isSucceeded()).isTrue();
        Path state = out.resolve("2026.04/state.json");

        // Make it look as if the process died during build-modules.
        ObjectMapper json = new ObjectMapper();
        ObjectNode node = (ObjectNode) json.readTree(state.toFile());
        ((ObjectNode) node.get("stages").get(2)).put("status", "RUNNING");
        Files.write(state, json.writeValueAsBytes(node));

        ReleaseRunner runner = context.getRegistry().lookupByNameAndType("releaseRunner", ReleaseRunner.class);
        var request = runner.request("suite-2026.04-nova", null, null, false, false);
        ReleaseRun resumed = new RunStore().resume(first.getId(), request, out.resolve("2026.04")).orElseThrow();
        runner.execute(resumed);

        assertThat(resumed.getFailure()).isNull();
        assertThat(resumed.getStages()).extracting(StageRecord::getName).containsExactly("validate", "test-gate",
                "build-modules", "build-containers", "build-cli", "build-helm", "sboms", "backup-database", "publish-nuget",
                "push-containers", "publish-helm", "release-manifest", "sign-checksums", "airgap-bundle", "create-release", "verify",
                "record-history", "announce", "summary");
        assertThat(resumed.stage("validate").orElseThrow().isEarlierAttempt()).isTrue();
        assertThat(resumed.stage("test-gate").orElseThrow().isEarlierAttempt()).isTrue();
        assertThat(resumed.stage("build-modules").orElseThrow().isEarlierAttempt()).isFalse();
        assertThat(resumed.getStages()).allSatisfy(s -> assertThat(s.getStatus())
                .isEqualTo(SuiteReleaseTest.PUBLISHING.contains(s.getName()) || s.getName().equals("airgap-bundle")
                        ? Status.SKIPPED : Status.DONE));
        assertThat(Fixtures.run(out.resolve("2026.04"), "sha256sum", "--strict", "-c", "SHA256SUMS-2026.04.txt"))
                .doesNotContain("FAILED");
    }
}
