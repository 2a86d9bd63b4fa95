package io.stellarelease.steps;

/** A stage ran and did not succeed; the message says which steps failed and why. */
public class StageFailedException extends RuntimeException {
    public StageFailedException(String message) {
        super(message);
    }
}
