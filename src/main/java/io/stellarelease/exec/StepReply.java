package io.stellarelease.exec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a build worker sends back to the conductor's reply queue: {@code started} when it begins a step (so the run
 * knows which worker runs it), then {@code finished} with how it ended.
 *
 * @param delivery which delivery of the step this is (1 = first; more after a worker died holding it)
 * @param message  why the worker could not run it (no checkout, a path it cannot see), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StepReply(String type, String correlationId, String worker, int delivery, Integer exitCode,
                        boolean timedOut, boolean stopped, String startedAt, String finishedAt, String message) {

    public static final String STARTED = "started";
    public static final String FINISHED = "finished";

    public byte[] toJson() {
        try {
            return StepMessage.JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static StepReply fromJson(byte[] json) {
        try {
            return StepMessage.JSON.readValue(json, StepReply.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a step reply: " + e.getMessage(), e);
        }
    }
}
