package io.stellarelease.state;

import java.util.Locale;

public enum Status {
    WAITING, RUNNING, DONE, FAILED, TIMED_OUT, SKIPPED;

    public boolean failed() {
        return this == FAILED || this == TIMED_OUT;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
