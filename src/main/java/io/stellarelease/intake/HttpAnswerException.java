package io.stellarelease.intake;

/**
 * A request the conductor refuses, with the HTTP status to answer and a message the sender can act on.
 * A Camel route maps it to {@code {"status":401,"error":"..."}}, so the message must never carry secrets,
 * expected signatures or request bodies: it is sent back to whoever called.
 */
public class HttpAnswerException extends RuntimeException {
    private final int status;

    public HttpAnswerException(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            // Only refusals travel this way; a 2xx/3xx here would be a programming error.
            throw new IllegalArgumentException("HTTP answer status must be 4xx or 5xx: got " + status);
        }
        this.status = status;
    }

    public int status() {
        return status;
    }
}
