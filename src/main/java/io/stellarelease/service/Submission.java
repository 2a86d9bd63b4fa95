package io.stellarelease.service;

/**
 * What became of a request: a new run, the run this tag already has, a failed run of the tag queued again for
 * a new attempt, or a refusal because its version is busy.
 */
public sealed interface Submission {
    RunRecord run();

    record Accepted(RunRecord run) implements Submission { }

    record Duplicate(RunRecord run) implements Submission { }

    /** A pushed tag whose run failed: the same run, queued for its next attempt (it resumes at the failed stage). */
    record Retried(RunRecord run) implements Submission { }

    record Conflict(RunRecord run) implements Submission { }
}
