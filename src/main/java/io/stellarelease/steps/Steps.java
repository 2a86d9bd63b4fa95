package io.stellarelease.steps;

import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Step results of the publishing stages: no artifacts (they publish files other stages made), details only. */
public final class Steps {

    private Steps() {
    }

    public static StepResult done(String stage, String name, Instant started, Map<String, String> details) {
        return of(stage, name, Status.DONE, started, details, null);
    }

    public static StepResult failed(String stage, String name, Instant started, Throwable error) {
        String why = error.getMessage() != null ? error.getMessage() : error.toString();
        return of(stage, name, Status.FAILED, started, Map.of(), why);
    }

    private static StepResult of(String stage, String name, Status status, Instant started, Map<String, String> details,
                                 String message) {
        Instant now = Instant.now();
        return new StepResult(stage, name, status, null, started, now, Duration.between(started, now).toMillis(), null,
                java.util.List.of(), details, message);
    }
}
