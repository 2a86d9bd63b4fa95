package io.stellarelease.clients;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gitea's release and package APIs on {@link HttpClient}: token auth, retries of transient failures, Gitea's error
 * messages in {@link GtApiException}s, and a dry run that sends no write request but records it.
 */
public final class GiteaClient implements GtReleasesApi, GtPackagesApi {

    private static final Logger LOG = LoggerFactory.getLogger(GiteaClient.class);
    private static final String JSON = "application/json";
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

    private final URI baseUrl;
    private final Secret token;
    private final boolean dryRun;
    private final RetryingHttp http;
    private final ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final List<GtPlannedRequest> planned = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean planOnly;

    /**
     * @param baseUrl Gitea's root, e.g. {@code https://git.stella-ops.org} (the API is under {@code /api/v1})
     * @param token   an access token with write access to the repository and packages
     */
    public GiteaClient(URI baseUrl, Secret token, RetryPolicy retry, boolean dryRun) {
        this(baseUrl, token, retry, dryRun, RetryingHttp.defaultClient());
    }

    public GiteaClient(URI baseUrl, Secret token, RetryPolicy retry, boolean dryRun, HttpClient client) {
        String base = Objects.requireNonNull(baseUrl, "baseUrl").toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.token = Objects.requireNonNull(token, "token");
        this.dryRun = dryRun;
        this.http = new RetryingHttp(client, retry, "Gitea", null);
    }

    public boolean dryRun() {
        return dryRun;
    }

    /**
     * Makes this dry-run client the planner of a real run (the pass that writes release-plan.json before anything is
     * sent): it records the writes as a dry run does but does not log them as a dry run, which this run is not.
     */
    public GiteaClient planOnly() {
        if (!dryRun) {
            throw new IllegalStateException("only a client that sends no write request can plan");
        }
        this.planOnly = true;
        return this;
    }

    /** Whether this client only plans for a real run (see {@link #planOnly()}). */
    public boolean planning() {
        return planOnly;
    }

    /** The write requests a dry run did not send, in order. */
    public List<GtPlannedRequest> plannedRequests() {
        synchronized (planned) {
            return List.copyOf(planned);
        }
    }

    @Override
    public String toString() {
        return "GiteaClient[" + baseUrl + (dryRun ? ", dry run" : "") + "]";
    }

    // ---- releases

    @Override
    public GtRelease createRelease(String owner, String repo, GtCreateRelease release) {
        URI uri = api(repoPath(owner, repo) + "/releases");
        String body = toJson(release);
        if (planWrite("POST", uri, body)) {
            return GtRelease.planned(release);
        }
        HttpResponse<byte[]> response = send(request(uri).header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), null);
        expect(response, 201);
        return read(response, GtRelease.class);
    }

    @Override
    public GtRelease editRelease(String owner, String repo, long releaseId, GtEditRelease edit, GtRelease current) {
        URI uri = api(repoPath(owner, repo) + "/releases/" + releaseId);
        String body = toJson(edit);
        if (planWrite("PATCH", uri, body)) {
            return current.edited(edit);
        }
        HttpResponse<byte[]> response = send(request(uri).header("Content-Type", JSON)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), null);
        expect(response, 200);
        return read(response, GtRelease.class);
    }

    @Override
    public List<GtRelease> listReleases(String owner, String repo, Boolean draft, int page, int limit) {
        String query = "?" + (draft == null ? "" : "draft=" + draft + "&") + "page=" + page + "&limit=" + limit;
        HttpResponse<byte[]> response = send(request(api(repoPath(owner, repo) + "/releases" + query)).GET().build(), null);
        expect(response, 200);
        return read(response, new TypeReference<List<GtRelease>>() { });
    }

    @Override
    public Optional<GtRelease> getReleaseByTag(String owner, String repo, String tag) {
        HttpResponse<byte[]> response = send(request(api(repoPath(owner, repo) + "/releases/tags/" + segment(tag))).GET().build(), null);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(response, 200);
        return Optional.of(read(response, GtRelease.class));
    }

    @Override
    public List<GtAsset> listAssets(String owner, String repo, long releaseId) {
        HttpResponse<byte[]> response = send(request(api(assetsPath(owner, repo, releaseId))).GET().build(), null);
        expect(response, 200);
        return read(response, new TypeReference<List<GtAsset>>() { });
    }

    @Override
    public GtAsset uploadAsset(String owner, String repo, long releaseId, String name, Path file) {
        long size = size(file);
        URI uri = api(assetsPath(owner, repo, releaseId) + "?name=" + query(name));
        // The asset's name is in every message about its upload: which one of the release's files failed.
        String named = uri.getRawPath() + "?" + uri.getRawQuery();
        if (planWrite("POST", uri, "multipart attachment " + file + " (" + size + " bytes) as " + name)) {
            return GtAsset.planned(name, size);
        }
        String boundary = "stella-" + UUID.randomUUID();
        HttpRequest request = request(uri).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(multipart(boundary, name, file)).build();
        // An upload is not idempotent: if an attempt failed after Gitea stored the file, a retry would attach it
        // twice. So before each retry, an asset already there with this name and size counts as the upload.
        AtomicReference<GtAsset> landed = new AtomicReference<>();
        try {
            HttpResponse<byte[]> response = send(request, () -> {
                Optional<GtAsset> there = listAssets(owner, repo, releaseId).stream()
                        .filter(a -> a.name().equals(name) && a.size() == size).findFirst();
                there.ifPresent(landed::set);
                return there.isPresent();
            }, "POST " + named);
            if (response == null) {
                return landed.get();
            }
            expect(response, 201);
            return read(response, GtAsset.class);
        } catch (GtApiException e) {
            throw e.method().equals("POST") && e.path().equals(uri.getRawPath()) ? e.at(named) : e;
        }
    }

    @Override
    public void deleteAsset(String owner, String repo, long releaseId, long assetId) {
        URI uri = api(assetsPath(owner, repo, releaseId) + "/" + assetId);
        if (planWrite("DELETE", uri, null)) {
            return;
        }
        HttpResponse<byte[]> response = send(request(uri).DELETE().build(), null);
        // 404 on a retried DELETE means an earlier attempt removed it: the asset is gone either way.
        if (response.statusCode() != 404) {
            expect(response, 204);
        }
    }

    // ---- packages

    @Override
    public GtPackageResult pushNuget(String owner, Path nupkg) {
        URI uri = URI.create(baseUrl + "/api/packages/" + segment(owner) + "/nuget/");
        if (planWrite("PUT", uri, "nupkg " + nupkg + " (" + size(nupkg) + " bytes)")) {
            return new GtPackageResult(GtPackageResult.Outcome.PLANNED, nupkg.getFileName().toString());
        }
        HttpResponse<byte[]> response = send(request(uri)
                .header("X-NuGet-ApiKey", token.reveal())
                .header("Content-Type", "application/octet-stream")
                .PUT(ofFile(nupkg)).build(), null);
        return packageResult(response, nupkg);
    }

    @Override
    public GtPackageResult uploadHelmChart(String owner, Path chartTgz) {
        URI uri = URI.create(baseUrl + "/api/packages/" + segment(owner) + "/helm/api/charts");
        if (planWrite("POST", uri, "chart " + chartTgz + " (" + size(chartTgz) + " bytes)")) {
            return new GtPackageResult(GtPackageResult.Outcome.PLANNED, chartTgz.getFileName().toString());
        }
        HttpResponse<byte[]> response = send(request(uri)
                .header("Content-Type", "application/octet-stream")
                .POST(ofFile(chartTgz)).build(), null);
        return packageResult(response, chartTgz);
    }

    /** {@code GET /api/v1/packages/{owner}/{type}/{name}/{version}}: whether Gitea lists the package version. */
    public boolean packageExists(String owner, String type, String name, String version) {
        URI uri = api("/packages/" + segment(owner) + "/" + segment(type) + "/" + segment(name) + "/" + segment(version));
        HttpResponse<byte[]> response = send(request(uri).GET().build(), null);
        if (response.statusCode() == 404) {
            return false;
        }
        expect(response, 200);
        return true;
    }

    private GtPackageResult packageResult(HttpResponse<byte[]> response, Path file) {
        String name = file.getFileName().toString();
        if (response.statusCode() == 409) {
            LOG.info("{}: {} already published", RetryingHttp.describe(response.request()), name);
            return new GtPackageResult(GtPackageResult.Outcome.DUPLICATE, name);
        }
        expect(response, 201);
        return new GtPackageResult(GtPackageResult.Outcome.PUBLISHED, name);
    }

    // ---- plumbing

    /** The dry-run gate, right before a write request: true when the request was recorded instead of sent. */
    private boolean planWrite(String method, URI uri, String body) {
        if (!dryRun) {
            return false;
        }
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        planned.add(new GtPlannedRequest(method, target, body));
        if (planOnly) {
            LOG.debug("planned {} {}", method, target);
        } else {
            LOG.debug("dry run: not sending {} {}", method, target); // each is in release-plan.json
        }
        return true;
    }

    private HttpResponse<byte[]> send(HttpRequest request, RetryingHttp.AlreadyDone alreadyDone) {
        return send(request, alreadyDone, RetryingHttp.describe(request));
    }

    private HttpResponse<byte[]> send(HttpRequest request, RetryingHttp.AlreadyDone alreadyDone, String label) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray(), alreadyDone, label);
        } catch (RetryingHttp.TransportFailure e) {
            throw new GtApiException(0, request.method(), request.uri().getRawPath(), e.detail(), e.getCause());
        } catch (IOException e) {
            throw new GtApiException(0, request.method(), request.uri().getRawPath(), String.valueOf(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GtApiException(0, request.method(), request.uri().getRawPath(), "interrupted", e);
        }
    }

    private void expect(HttpResponse<byte[]> response, int status) {
        if (response.statusCode() != status) {
            throw new GtApiException(response.statusCode(), response.request().method(),
                    response.request().uri().getRawPath(), errorMessage(response), null);
        }
    }

    /** Gitea's {@code message} from an APIError body; the start of the body when it is not one. */
    private String errorMessage(HttpResponse<byte[]> response) {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        try {
            GtError error = json.readValue(text, GtError.class);
            if (error != null && error.message() != null) {
                return error.message();
            }
        } catch (IOException notJson) {
            // fall through to the raw text
        }
        text = text.strip();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Accept", JSON)
                .header("Authorization", "token " + token.reveal());
    }

    private URI api(String path) {
        return URI.create(baseUrl + "/api/v1" + path);
    }

    private static String repoPath(String owner, String repo) {
        return "/repos/" + segment(owner) + "/" + segment(repo);
    }

    private static String assetsPath(String owner, String repo, long releaseId) {
        return repoPath(owner, repo) + "/releases/" + releaseId + "/assets";
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private <T> T read(HttpResponse<byte[]> response, Class<T> type) {
        try {
            return json.readValue(response.body(), type);
        } catch (IOException e) {
            throw new GtApiException(response.statusCode(), response.request().method(),
                    response.request().uri().getRawPath(), "unreadable answer: " + e.getMessage(), e);
        }
    }

    private <T> T read(HttpResponse<byte[]> response, TypeReference<T> type) {
        try {
            return json.readValue(response.body(), type);
        } catch (IOException e) {
            throw new GtApiException(response.statusCode(), response.request().method(),
                    response.request().uri().getRawPath(), "unreadable answer: " + e.getMessage(), e);
        }
    }

    /** One file as multipart field {@code attachment}, streamed from disk; re-sendable, so retries can use it. */
    private static HttpRequest.BodyPublisher multipart(String boundary, String name, Path file) {
        String filename = name.replace("\\", "\\\\").replace("\"", "\\\"");
        byte[] head = ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"attachment\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        return HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head), ofFile(file),
                HttpRequest.BodyPublishers.ofByteArray(tail));
    }

    private static HttpRequest.BodyPublisher ofFile(Path file) {
        try {
            return HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
