package io.stellarelease.clients;

import java.io.IOException;

/**
 * A registry request that failed, or a push whose result does not match the tarball. Carries method and URL path
 * (never the query, which holds upload state, nor credentials) and the registry's own error message.
 */
public class OciPushException extends IOException {

    private final int status;

    public OciPushException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, 0 when the failure was not an HTTP answer. */
    public int status() {
        return status;
    }
}
