package io.stellarelease.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One unit of work inside a stage (a module build, a CLI runtime, a test suite, an image):
 * what ran, how it ended, and what it left behind.
 */
public record StepResult(
        String stage,
        String name,
        Status status,
        Integer exitCode,
        Instant startedAt,
        Instant finishedAt,
        long durationMs,
        String log,
        List<Artifact> artifacts,
        Map<String, String> details,
        String message) {

    public StepResult {
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public StepResult withArtifacts(List<Artifact> more, Map<String, String> moreDetails) {
        var all = new java.util.ArrayList<>(artifacts);
        all.addAll(more);
        var d = new java.util.TreeMap<>(details);
        d.putAll(moreDetails);
        return new StepResult(stage, name, status, exitCode, startedAt, finishedAt, durationMs, log, all, d, message);
    }

    public StepResult failed(String why) {
        return new StepResult(stage, name, Status.FAILED, exitCode, startedAt, finishedAt, durationMs, log, artifacts, details, why);
    }
}
