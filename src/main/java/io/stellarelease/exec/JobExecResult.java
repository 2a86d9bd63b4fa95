package io.stellarelease.exec;

import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecResult;

import java.io.InputStream;
import java.time.Instant;

/**
 * camel-exec's result, plus whether the command was killed for running past its timeout or ended (or never
 * started) because the conductor is stopping, and when it ran.
 */
public class JobExecResult extends ExecResult {
    private final boolean timedOut;
    private final boolean stopped;
    private final Instant startedAt;
    private final Instant finishedAt;
    /** The build worker that ran it (null: run here), how many deliveries it took, and a reason that replaces the exit code's. */
    private final String worker;
    private final int deliveries;
    private final String failure;

    public JobExecResult(ExecCommand command, int exitValue, boolean timedOut, Instant startedAt, Instant finishedAt) {
        this(command, exitValue, timedOut, false, startedAt, finishedAt);
    }

    public JobExecResult(ExecCommand command, int exitValue, boolean timedOut, boolean stopped, Instant startedAt,
                         Instant finishedAt) {
        this(command, exitValue, timedOut, stopped, startedAt, finishedAt, null, 0, null);
    }

    public JobExecResult(ExecCommand command, int exitValue, boolean timedOut, boolean stopped, Instant startedAt,
                         Instant finishedAt, String worker, int deliveries, String failure) {
        super(command, InputStream.nullInputStream(), InputStream.nullInputStream(), exitValue);
        this.timedOut = timedOut;
        this.stopped = stopped;
        this.startedAt = startedAt;
        this.finishedAt = finishedAt;
        this.worker = worker;
        this.deliveries = deliveries;
        this.failure = failure;
    }

    /** The build worker that ran the step, or null when it ran in this process. */
    public String worker() {
        return worker;
    }

    /** How many times the step was delivered to a worker (0: run here). */
    public int deliveries() {
        return deliveries;
    }

    /** Why the step failed when its exit code does not say it (a step that killed its workers), else null. */
    public String failure() {
        return failure;
    }

    public boolean timedOut() {
        return timedOut;
    }

    /** Ended by a stop of the conductor, or refused because it was stopping. */
    public boolean stopped() {
        return stopped;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }
}
