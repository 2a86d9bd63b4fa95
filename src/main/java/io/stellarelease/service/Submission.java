package io.stellarelease.service;

/** What became of a request: a new run, the run this tag already has, or a refusal because its version is busy. */
public sealed interface Submission {
    RunRecord run();

    record Accepted(RunRecord run) implements Submission { }

    record Duplicate(RunRecord run) implements Submission { }

    record Conflict(RunRecord run) implements Submission { }
}
