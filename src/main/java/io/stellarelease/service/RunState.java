package io.stellarelease.service;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Where a run is in its life. Queued and running runs are picked up again when the service restarts. */
public enum RunState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, INTERRUPTED;

    public boolean active() {
        return this == QUEUED || this == RUNNING || this == INTERRUPTED;
    }

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RunState parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("state must be one of queued, running, succeeded, failed, interrupted: got '"
                    + text + "'");
        }
    }
}
