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

    public JobExecResult(ExecCommand command, int exitValue, boolean timedOut, Instant startedAt, Instant finishedAt) {
        this(command, exitValue, timedOut, false, startedAt, finishedAt);
    }

    public JobExecResult(ExecCommand command, int exitValue, boolean timedOut, boolean stopped, Instant startedAt,
                         Instant finishedAt) {
        super(command, InputStream.nullInputStream(), InputStream.nullInputStream(), exitValue);
        this.timedOut = timedOut;
        this.stopped = stopped;
        this.startedAt = startedAt;
        this.finishedAt = finishedAt;
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
