package io.stellarelease.clients;

/**
 * A Gitea request that failed: a 4xx other than those the caller expects, or a transient failure (5xx, 429,
 * connection) that outlived the retry policy. Carries method and URL path (never the query or a credential) and
 * Gitea's own {@code message}. {@code status} is 0 when no answer came at all.
 */
public class GtApiException extends RuntimeException {

    private final int status;
    private final String method;
    private final String path;
    private final String giteaMessage;

    public GtApiException(int status, String method, String path, String giteaMessage, Throwable cause) {
        super(method + " " + path + ": " + (status == 0 ? "no answer" : "HTTP " + status)
                + (giteaMessage == null || giteaMessage.isBlank() ? "" : ": " + giteaMessage), cause);
        this.status = status;
        this.method = method;
        this.path = path;
        this.giteaMessage = giteaMessage;
    }

    public int status() {
        return status;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String giteaMessage() {
        return giteaMessage;
    }

    /** The same failure, the request named by {@code target} (the path with a query that says which file it was). */
    public GtApiException at(String target) {
        return new GtApiException(status, method, target, giteaMessage, getCause());
    }

    public boolean conflict() {
        return status == 409;
    }

    public boolean notFound() {
        return status == 404;
    }
}
