package io.stellarelease.clients;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushes the image of an OCI image-layout tarball to a registry with the OCI distribution API: blobs the registry
 * lacks (HEAD first, so a re-run uploads nothing twice) as monolithic uploads, then the manifest under each tag of
 * index.json. Anonymous, basic and bearer-token (the {@code WWW-Authenticate: Bearer} challenge) auth.
 */
public final class OciPusher {

    private static final Logger LOG = LoggerFactory.getLogger(OciPusher.class);
    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0,127}");
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

    /** The digest the registry answered for a tag (equal to the tarball's, or the push fails). */
    public record TagDigest(String tag, String digest) { }

    /** Per tag the registry's digest; the blobs sent and the blobs the registry already had. */
    public record PushResult(String repository, List<TagDigest> tags, List<String> uploadedBlobs, List<String> skippedBlobs) { }

    private final RetryingHttp http;
    private final ObjectMapper json = new ObjectMapper();

    public OciPusher(RetryPolicy retry) {
        this(retry, RetryingHttp.defaultClient());
    }

    public OciPusher(RetryPolicy retry, HttpClient client) {
        this(retry, client, null);
    }

    /** @param circuit shared by the pushes of one stage, so a registry that refuses connections fails them all at once */
    public OciPusher(RetryPolicy retry, HostCircuit circuit) {
        this(retry, RetryingHttp.defaultClient(), circuit);
    }

    public OciPusher(RetryPolicy retry, HttpClient client, HostCircuit circuit) {
        this.http = new RetryingHttp(client, retry, "registry", circuit);
    }

    /**
     * @param registryBaseUrl e.g. {@code http://127.0.0.1:5000} or {@code https://git.stella-ops.org}
     * @param repositoryPath  e.g. {@code stella-ops.org/authority}
     * @param credentials     null for anonymous push
     */
    public PushResult push(Path ociTar, String registryBaseUrl, String repositoryPath, RegistryCredentials credentials)
            throws IOException, InterruptedException {
        if (!NAME.matcher(repositoryPath).matches()) {
            throw new IllegalArgumentException("not a valid repository name: " + repositoryPath);
        }
        try (OciLayout layout = OciLayout.unpack(ociTar)) {
            return push(layout, ociTar.toString(), registryBaseUrl, repositoryPath, credentials);
        }
    }

    /**
     * Pushes the tags of {@code refRepository} (index.json's {@code repository:tag} names) from an OCI image layout
     * directory holding many repositories, an unpacked air-gap bundle's, to {@code repositoryPath}.
     */
    public PushResult pushFromLayout(Path layoutDir, String refRepository, String registryBaseUrl, String repositoryPath,
                                     RegistryCredentials credentials) throws IOException, InterruptedException {
        if (!NAME.matcher(repositoryPath).matches()) {
            throw new IllegalArgumentException("not a valid repository name: " + repositoryPath);
        }
        try (OciLayout layout = OciLayout.open(layoutDir, refRepository)) {
            return push(layout, layoutDir + " (" + refRepository + ")", registryBaseUrl, repositoryPath, credentials);
        }
    }

    private PushResult push(OciLayout layout, String source, String registryBaseUrl, String repositoryPath,
                            RegistryCredentials credentials) throws IOException, InterruptedException {
        String base = registryBaseUrl.endsWith("/") ? registryBaseUrl.substring(0, registryBaseUrl.length() - 1) : registryBaseUrl;
        Session session = new Session(URI.create(base), repositoryPath, credentials);
        Set<String> manifests = new LinkedHashSet<>();
        for (OciLayout.TaggedManifest tagged : layout.tags()) {
            if (!TAG.matcher(tagged.tag()).matches()) {
                throw new IOException(source + ": not a valid tag: " + tagged.tag());
            }
            manifests.add(tagged.digest());
        }
        List<String> uploaded = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (String manifest : manifests) {
            for (String digest : layout.blobsOf(manifest)) {
                if (!done.add(digest)) {
                    continue;
                }
                if (session.blobExists(digest)) {
                    skipped.add(digest);
                } else {
                    session.uploadBlob(digest, layout.blob(digest));
                    uploaded.add(digest);
                }
            }
        }
        List<TagDigest> tags = new ArrayList<>();
        for (OciLayout.TaggedManifest tagged : layout.tags()) {
            byte[] manifest = Files.readAllBytes(layout.blob(tagged.digest()));
            String answered = session.putManifest(tagged.tag(), mediaType(tagged, manifest), manifest);
            if (!tagged.digest().equals(answered)) {
                throw new OciPushException(repositoryPath + ":" + tagged.tag() + ": the registry answered digest "
                        + answered + ", the tarball's manifest is " + tagged.digest(), 0, null);
            }
            tags.add(new TagDigest(tagged.tag(), answered));
        }
        LOG.info("pushed {} to {}: {} tag(s), {} blob(s) uploaded, {} already there", source,
                repositoryPath, tags.size(), uploaded.size(), skipped.size());
        return new PushResult(repositoryPath, List.copyOf(tags), List.copyOf(uploaded), List.copyOf(skipped));
    }

    /**
     * The write requests a push of {@code ociTar} sends to a registry that has none of its blobs, in the order it sends
     * them, without sending anything: per blob the upload's {@code POST}, then the {@code PUT} of the content to the
     * upload location the registry answers ({@code {session}} stands for it: the registry picks it); then one manifest
     * {@code PUT} per tag. What release-plan.json lists.
     */
    public List<GtPlannedRequest> plan(Path ociTar, String repositoryPath) throws IOException {
        try (OciLayout layout = OciLayout.unpack(ociTar)) {
            return plan(layout, repositoryPath);
        }
    }

    private static List<GtPlannedRequest> plan(OciLayout layout, String repositoryPath) throws IOException {
        List<GtPlannedRequest> planned = new ArrayList<>();
        Set<String> manifests = new LinkedHashSet<>();
        for (OciLayout.TaggedManifest tagged : layout.tags()) {
            manifests.add(tagged.digest());
        }
        Set<String> done = new LinkedHashSet<>();
        for (String manifest : manifests) {
            for (String digest : layout.blobsOf(manifest)) {
                if (done.add(digest)) {
                    planned.add(new GtPlannedRequest("POST", "/v2/" + repositoryPath + "/blobs/uploads/",
                            "starts the upload of blob " + digest));
                    planned.add(new GtPlannedRequest("PUT", "/v2/" + repositoryPath + "/blobs/uploads/{session}?digest="
                            + URLEncoder.encode(digest, StandardCharsets.UTF_8),
                            "blob " + digest + " (" + Files.size(layout.blob(digest)) + " bytes), to the upload location the POST answered"));
                }
            }
        }
        for (OciLayout.TaggedManifest tagged : layout.tags()) {
            planned.add(new GtPlannedRequest("PUT", "/v2/" + repositoryPath + "/manifests/" + tagged.tag(),
                    "manifest " + tagged.digest()));
        }
        return planned;
    }

    /** Like {@link #plan(Path, String)} for the tags of {@code refRepository} in a layout directory of many repositories. */
    public List<GtPlannedRequest> planFromLayout(Path layoutDir, String refRepository, String repositoryPath) throws IOException {
        try (OciLayout layout = OciLayout.open(layoutDir, refRepository)) {
            return plan(layout, repositoryPath);
        }
    }

    /**
     * The digest a tag resolves to in the registry: the sha256 of the manifest it serves (checked against its
     * Docker-Content-Digest header when present). Empty when the tag is not there.
     */
    public Optional<String> resolve(String registryBaseUrl, String repositoryPath, String tag, RegistryCredentials credentials)
            throws IOException, InterruptedException {
        String base = registryBaseUrl.endsWith("/") ? registryBaseUrl.substring(0, registryBaseUrl.length() - 1) : registryBaseUrl;
        Session session = new Session(URI.create(base), repositoryPath, credentials);
        return session.manifestDigest(tag);
    }

    /** The descriptor's media type; the manifest's own when the index omits it. */
    private String mediaType(OciLayout.TaggedManifest tagged, byte[] manifest) throws IOException {
        if (!tagged.mediaType().isEmpty()) {
            return tagged.mediaType();
        }
        String own = json.readTree(manifest).path("mediaType").asText("");
        return own.isEmpty() ? "application/vnd.oci.image.manifest.v1+json" : own;
    }

    /** One push: the repository's URLs and the authorization the registry asked for, reused across requests. */
    private final class Session {
        private final URI base;
        private final String name;
        private final RegistryCredentials credentials;
        private final Map<String, String> bearerByScope = new LinkedHashMap<>();
        private String authorization;

        Session(URI base, String name, RegistryCredentials credentials) {
            this.base = base;
            this.name = name;
            this.credentials = credentials;
        }

        boolean blobExists(String digest) throws IOException, InterruptedException {
            URI uri = uri("/v2/" + name + "/blobs/" + digest);
            HttpResponse<byte[]> response = send(auth -> request(uri, auth).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), null);
            if (response.statusCode() == 200) {
                return true;
            }
            if (response.statusCode() == 404) {
                return false;
            }
            throw failure(response);
        }

        void uploadBlob(String digest, Path file) throws IOException, InterruptedException {
            URI start = uri("/v2/" + name + "/blobs/uploads/");
            HttpResponse<byte[]> started = send(auth -> request(start, auth).POST(HttpRequest.BodyPublishers.noBody()).build(), null);
            if (started.statusCode() != 202) {
                throw failure(started);
            }
            String location = started.headers().firstValue("Location")
                    .orElseThrow(() -> new OciPushException(RetryingHttp.describe(started.request())
                            + ": 202 without a Location header", 202, null));
            URI target = base.resolve(location);
            String sep = target.getRawQuery() == null ? "?" : "&";
            URI put = URI.create(target + sep + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
            HttpResponse<byte[]> response = send(auth -> request(put, auth)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(ofFile(file)).build(),
                    // A PUT whose answer was lost may have stored the blob: then it is done.
                    () -> blobExists(digest));
            if (response != null && response.statusCode() != 201) {
                throw failure(response);
            }
            LOG.debug("uploaded blob {} ({} bytes)", digest, Files.size(file));
        }

        Optional<String> manifestDigest(String tag) throws IOException, InterruptedException {
            URI uri = uri("/v2/" + name + "/manifests/" + tag);
            HttpResponse<byte[]> response = send(auth -> request(uri, auth)
                    .header("Accept", String.join(", ", "application/vnd.oci.image.manifest.v1+json",
                            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
                            "application/vnd.docker.distribution.manifest.list.v2+json"))
                    .GET().build(), null);
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw failure(response);
            }
            String digest = sha256(response.body());
            Optional<String> header = response.headers().firstValue("Docker-Content-Digest");
            if (header.isPresent() && !header.get().equals(digest)) {
                throw new OciPushException(RetryingHttp.describe(response.request()) + ": the registry says "
                        + header.get() + " but the manifest it served hashes to " + digest, 200, null);
            }
            return Optional.of(digest);
        }

        String putManifest(String tag, String mediaType, byte[] manifest) throws IOException, InterruptedException {
            URI uri = uri("/v2/" + name + "/manifests/" + tag);
            HttpResponse<byte[]> response = send(auth -> request(uri, auth)
                    .header("Content-Type", mediaType)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), null);
            if (response.statusCode() != 201) {
                throw failure(response);
            }
            return response.headers().firstValue("Docker-Content-Digest")
                    .orElseThrow(() -> new OciPushException(RetryingHttp.describe(response.request())
                            + ": the registry answered no Docker-Content-Digest", 201, null));
        }

        /** Sends with the current authorization; on a 401 answers the challenge once and sends again. */
        private HttpResponse<byte[]> send(Function<String, HttpRequest> build, RetryingHttp.AlreadyDone alreadyDone)
                throws IOException, InterruptedException {
            HttpResponse<byte[]> response = exchange(build.apply(authorization), alreadyDone);
            if (response == null || response.statusCode() != 401) {
                return response;
            }
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
            String answer = answer(challenge, response.request());
            if (answer == null || answer.equals(authorization)) {
                throw failure(response);
            }
            authorization = answer;
            return exchange(build.apply(authorization), alreadyDone);
        }

        private HttpResponse<byte[]> exchange(HttpRequest request, RetryingHttp.AlreadyDone alreadyDone)
                throws IOException, InterruptedException {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofByteArray(), alreadyDone);
            } catch (RetryingHttp.TransportFailure e) {
                throw new OciPushException(e.getMessage(), 0, e.getCause());
            }
        }

        /** The Authorization header a challenge asks for, or null when it cannot be met. */
        private String answer(String challenge, HttpRequest request) throws IOException, InterruptedException {
            String scheme = challenge.strip().split("\\s+", 2)[0];
            if (scheme.equalsIgnoreCase("Basic")) {
                return credentials == null ? null : basic();
            }
            if (!scheme.equalsIgnoreCase("Bearer")) {
                return null;
            }
            Map<String, String> params = new LinkedHashMap<>();
            Matcher m = CHALLENGE_PARAM.matcher(challenge);
            while (m.find()) {
                params.put(m.group(1).toLowerCase(), m.group(2));
            }
            String realm = params.get("realm");
            if (realm == null) {
                return null;
            }
            String scope = params.getOrDefault("scope", "repository:" + name + ":pull,push");
            String cached = bearerByScope.get(scope);
            if (cached != null && !cached.equals(authorization)) {
                return cached;
            }
            StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
            if (params.containsKey("service")) {
                url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
            }
            url.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
            URI tokenUri = URI.create(url.toString());
            HttpResponse<byte[]> response = exchange(request(tokenUri, credentials == null ? null : basic()).GET().build(), null);
            if (response.statusCode() != 200) {
                throw new OciPushException(RetryingHttp.describe("GET", tokenUri) + ": token request for "
                        + RetryingHttp.describe(request) + " answered HTTP " + response.statusCode()
                        + message(response), response.statusCode(), null);
            }
            JsonNode body = json.readTree(response.body());
            String token = body.hasNonNull("token") ? body.get("token").asText() : body.path("access_token").asText("");
            if (token.isEmpty()) {
                throw new OciPushException(RetryingHttp.describe("GET", tokenUri) + ": the token answer has no token", 200, null);
            }
            String header = "Bearer " + token;
            bearerByScope.put(scope, header);
            return header;
        }

        private String basic() {
            return "Basic " + Base64.getEncoder().encodeToString(
                    (credentials.username() + ":" + credentials.password().reveal()).getBytes(StandardCharsets.UTF_8));
        }

        private HttpRequest.Builder request(URI uri, String auth) {
            HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT);
            if (auth != null) {
                builder.header("Authorization", auth);
            } else if (credentials != null && authorization == null) {
                // Credentials given: offer them up front, as docker does; a Bearer registry answers with its challenge.
                builder.header("Authorization", basic());
            }
            return builder;
        }

        private URI uri(String path) {
            return URI.create(base + path);
        }

        private OciPushException failure(HttpResponse<byte[]> response) {
            return new OciPushException(RetryingHttp.describe(response.request()) + ": HTTP " + response.statusCode()
                    + message(response), response.statusCode(), null);
        }

        /** The registry's error messages ({@code {"errors":[{"code","message"}]}}), or the start of the body. */
        private String message(HttpResponse<byte[]> response) {
            String text = new String(Optional.ofNullable(response.body()).orElse(new byte[0]), StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                return "";
            }
            try {
                List<String> messages = new ArrayList<>();
                for (JsonNode error : json.readTree(text).path("errors")) {
                    messages.add(error.path("code").asText() + " " + error.path("message").asText());
                }
                if (!messages.isEmpty()) {
                    return ": " + String.join("; ", messages);
                }
            } catch (IOException notJson) {
                // the raw text below
            }
            return ": " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }

    private static HttpRequest.BodyPublisher ofFile(Path file) {
        try {
            return HttpRequest.BodyPublishers.ofFile(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
