package io.stellarelease.state;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A stage's steps: listed by name (steps of one name in the order they finished), and known by identity. */
class StageRecordTest {

    private static StepResult step(String name, String message) {
        return new StepResult("build-modules", name, Status.DONE, 0, Instant.EPOCH, Instant.EPOCH, 0, null, List.of(), Map.of(),
                message);
    }

    @Test
    void stepsAreListedByNameWhateverOrderTheyFinishedIn() {
        StageRecord stage = new StageRecord("build-modules", Instant.EPOCH);
        StepResult c = step("C", null);
        StepResult a1 = step("A", "first");
        StepResult b = step("B", null);
        assertThat(stage.addStep(c)).isEqualTo(1);
        assertThat(stage.addStep(a1)).isEqualTo(2);
        assertThat(stage.getSteps()).containsExactly(a1, c);
        StepResult a2 = step("A", "second");
        stage.addStep(b);
        stage.addStep(a2);
        // One name twice: the one that finished first stays first, after the list was read (and sorted) in between.
        assertThat(stage.getSteps()).containsExactly(a1, a2, b, c);
        // A copy: changing it changes nothing in the stage.
        stage.getSteps().clear();
        assertThat(stage.getSteps()).hasSize(4);
    }

    @Test
    void holdsTheVeryResultsItRecordedNotEqualOnes() {
        StageRecord stage = new StageRecord("build-modules", Instant.EPOCH);
        StepResult a = step("A", null);
        stage.addStep(a);
        assertThat(stage.holds(a)).isTrue();
        assertThat(stage.holds(step("A", null))).as("an equal result made elsewhere").isFalse();

        StepResult earlier = step("B", null);
        StageRecord restored = StageRecord.restored("build-modules", Status.DONE, Instant.EPOCH, Instant.EPOCH, null, 1,
                List.of(earlier));
        assertThat(restored.holds(earlier)).isTrue();
        assertThat(restored.getSteps()).containsExactly(earlier);
    }
}
