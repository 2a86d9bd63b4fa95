package io.stellarelease.exec;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Paths in a step message: relative to the shared directory when under it, so each machine may mount it elsewhere. */
class StepMessageTest {

    @Test
    void aPathUnderTheSharedDirectoryTravelsRelativeToItAndLandsUnderTheWorkersMount() {
        String sent = StepMessage.encode(Path.of("/mnt/conductor/out/2026.04/logs/build-modules/Authority.log"), Path.of("/mnt/conductor"));
        assertThat(sent).isEqualTo("shared:out/2026.04/logs/build-modules/Authority.log");
        assertThat(StepMessage.decode(sent, Path.of("/srv/stella")))
                .isEqualTo(Path.of("/srv/stella/out/2026.04/logs/build-modules/Authority.log"));
    }

    @Test
    void otherPathsTravelAsTheyAre() {
        assertThat(StepMessage.encode(Path.of("/home/ci/ws"), Path.of("/mnt/conductor"))).isEqualTo("/home/ci/ws");
        assertThat(StepMessage.encode(Path.of("/home/ci/ws"), null)).isEqualTo("/home/ci/ws");
        assertThat(StepMessage.decode("/home/ci/ws", null)).isEqualTo(Path.of("/home/ci/ws"));
        // A sibling whose name starts like the shared directory is not under it.
        assertThat(StepMessage.encode(Path.of("/mnt/conductor2/x"), Path.of("/mnt/conductor"))).isEqualTo("/mnt/conductor2/x");
    }

    @Test
    void aWorkerWithoutTheSharedDirectorySaysSo() {
        assertThatThrownBy(() -> StepMessage.decode("shared:out/x.log", null))
                .hasMessageContaining("this worker has no stella.exec.shared-dir");
    }

    @Test
    void aStepAndItsReplyRoundTripAsJson() {
        StepMessage step = new StepMessage("c1", "q.reply", "build-modules", "Authority", List.of("bash", "build/build-module.sh"),
                Map.of("MODULE", "Authority", "OUTPUT_DIR", "shared:out/work/build-modules/Authority"), "shared:ws",
                "shared:out/logs/build-modules/Authority.log", "shared:out/work/build-modules/Authority", 1_200_000,
                "shared:ws", "0123456789abcdef0123456789abcdef01234567");
        assertThat(StepMessage.fromJson(step.toJson())).isEqualTo(step);
        StepReply reply = new StepReply(StepReply.FINISHED, "c1", "w1", 2, 0, false, false, "2026-04-15T10:00:00Z",
                "2026-04-15T10:00:01Z", null);
        assertThat(StepReply.fromJson(reply.toJson())).isEqualTo(reply);
        assertThatThrownBy(() -> StepMessage.fromJson("not json".getBytes())).hasMessageContaining("not a build step message");
    }
}
