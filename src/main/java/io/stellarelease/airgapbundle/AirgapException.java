package io.stellarelease.airgapbundle;

/** An air-gap bundle that cannot be written, trusted or imported; the message names the file and the rule. */
public class AirgapException extends RuntimeException {
    public AirgapException(String message) {
        super(message);
    }

    public AirgapException(String message, Throwable cause) {
        super(message, cause);
    }
}
