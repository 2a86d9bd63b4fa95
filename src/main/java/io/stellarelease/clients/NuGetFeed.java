package io.stellarelease.clients;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A NuGet feed's push endpoint: {@code PUT <pushUrl>} with the .nupkg and {@code X-NuGet-ApiKey}, the only credential
 * sent (the feed may be another host than Gitea, so the Gitea token is not). 409 means the version is already
 * published: a duplicate, not an error. Transient failures are retried by the {@link RetryPolicy}.
 */
public final class NuGetFeed {

    private static final Logger LOG = LoggerFactory.getLogger(NuGetFeed.class);

    private final URI pushUrl;
    private final Secret apiKey;
    private final RetryingHttp http;

    public NuGetFeed(URI pushUrl, Secret apiKey, RetryPolicy retry) {
        this(pushUrl, apiKey, retry, RetryingHttp.defaultClient());
    }

    public NuGetFeed(URI pushUrl, Secret apiKey, RetryPolicy retry, HttpClient client) {
        this(pushUrl, apiKey, retry, client, null);
    }

    public NuGetFeed(URI pushUrl, Secret apiKey, RetryPolicy retry, HostCircuit circuit) {
        this(pushUrl, apiKey, retry, RetryingHttp.defaultClient(), circuit);
    }

    /** @param circuit shared by the pushes of one stage, so a feed that refuses connections fails them all at once */
    public NuGetFeed(URI pushUrl, Secret apiKey, RetryPolicy retry, HttpClient client, HostCircuit circuit) {
        this.pushUrl = Objects.requireNonNull(pushUrl, "pushUrl");
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.http = new RetryingHttp(client, retry, "NuGet feed", circuit);
    }

    /** The request a push sends, as a dry run lists it. */
    public static GtPlannedRequest plan(URI pushUrl, Path nupkg) throws IOException {
        return new GtPlannedRequest("PUT", pushUrl.getRawPath(), "nupkg " + nupkg.getFileName() + " (" + Files.size(nupkg) + " bytes)");
    }

    public GtPackageResult push(Path nupkg) throws IOException, InterruptedException {
        String name = nupkg.getFileName().toString();
        HttpRequest request = HttpRequest.newBuilder(pushUrl).timeout(Duration.ofMinutes(10))
                .header("X-NuGet-ApiKey", apiKey.reveal())
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(nupkg)).build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (RetryingHttp.TransportFailure e) {
            throw new GtApiException(0, "PUT", pushUrl.getRawPath(), name + ": " + e.detail(), e.getCause());
        }
        int status = response.statusCode();
        if (status == 409) {
            LOG.info("PUT {}: {} already published", pushUrl.getRawPath(), name);
            return new GtPackageResult(GtPackageResult.Outcome.DUPLICATE, name);
        }
        if (status == 201 || status == 200 || status == 202) {
            return new GtPackageResult(GtPackageResult.Outcome.PUBLISHED, name);
        }
        throw new GtApiException(status, "PUT", pushUrl.getRawPath(), name + ": " + message(response), null);
    }

    /** The feed's message: Gitea's JSON {@code message}, or the start of the body. */
    private static String message(HttpResponse<byte[]> response) {
        String text = new String(response.body() == null ? new byte[0] : response.body(), StandardCharsets.UTF_8).strip();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(text);
        if (m.find()) {
            return m.group(1);
        }
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
