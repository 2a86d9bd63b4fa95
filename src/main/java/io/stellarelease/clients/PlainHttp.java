package io.stellarelease.clients;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One HTTP request a YAML stage makes through the stella-http kamelet (a chat notification, an SBOM upload),
 * retried like every publishing request ({@link RetryingHttp}, publish.retry). Never given credentials.
 */
public final class PlainHttp {
    private final RetryingHttp http;

    public PlainHttp(RetryPolicy policy) {
        this.http = new RetryingHttp(RetryingHttp.defaultClient(), policy);
    }

    /** The status code of the final answer; a connection that kept failing is an IOException naming the request. */
    public int send(String method, URI url, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(1))
                .header("Content-Type", contentType)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
