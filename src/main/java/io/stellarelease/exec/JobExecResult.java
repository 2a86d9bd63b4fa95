package io.stellarelease.exec;

import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecResult;

import java.io.InputStream;
import java.time.Instant;

/** camel-exec's result, plus whether the command was killed for running past its timeout, and when it ran. */
public class JobExecResult extends ExecResult {
    private final boolean timedOut;
    private final Instant startedAt;
    private final Instant finishedAt;

    public JobExecResult(ExecCommand command, int exitValue, boolean timedOut, Instant startedAt, Instant finishedAt) {
        super(command, InputStream.nullInputStream(), InputStream.nullInputStream(), exitValue);
        this.timedOut = timedOut;
        this.startedAt = startedAt;
        this.finishedAt = finishedAt;
    }

    public boolean timedOut() {
        return timedOut;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }
}
