package io.stellarelease.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stellarelease.artifacts.OciImageBuilder;
import io.stellarelease.artifacts.OciImageBuilder.ImageResult;
import io.stellarelease.artifacts.OciImageBuilder.ImageSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The OCI push against a real registry (Debian's docker-registry), checked with skopeo and the registry's API. */
class OciPusherTest {

    private static final String NAME = "stella-ops.org/authority";
    private static final List<String> TAGS = List.of("2026.04", "edge", "latest");

    @RegisterExtension
    static final LocalRegistry REGISTRY = new LocalRegistry();

    @TempDir
    static Path tmp;
    static ImageResult image;

    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void buildImage() throws Exception {
        LocalRegistry.requireTool("skopeo", "skopeo");
        Path publish = tmp.resolve("publish");
        Files.createDirectories(publish);
        Files.writeString(publish.resolve("StellaOps.Authority.dll"), "MZ authority");
        Files.writeString(publish.resolve("appsettings.json"), "{}");
        image = new OciImageBuilder(tmp.resolve("cache")).build(new ImageSpec(publish, "/app", "scratch",
                List.of("dotnet", "/app/StellaOps.Authority.dll"), Map.of(), Map.of(),
                "git.stella-ops.org/" + NAME, TAGS, tmp.resolve("authority.oci.tar"), Instant.parse("2026-04-01T00:00:00Z")));
    }

    @Test
    void pushesEveryTagAndASecondPushUploadsNoBlob() throws Exception {
        OciPusher pusher = new OciPusher(RetryPolicy.defaults());

        OciPusher.PushResult first = pusher.push(image.path(), REGISTRY.baseUrl(), NAME, null);
        assertThat(first.tags()).extracting(OciPusher.TagDigest::tag).containsExactlyElementsOf(TAGS);
        assertThat(first.tags()).allSatisfy(t -> assertThat(t.digest()).isEqualTo(image.digest()));
        assertThat(first.uploadedBlobs()).hasSize(2); // config and the one application layer
        assertThat(first.skippedBlobs()).isEmpty();

        // Independent client: skopeo reads back each tag; the raw manifest hashes to the recorded digest.
        for (String tag : TAGS) {
            String ref = "docker://" + REGISTRY.hostPort() + "/" + NAME + ":" + tag;
            JsonNode inspect = json.readTree(LocalRegistry.run(List.of("skopeo", "inspect", "--tls-verify=false", ref)));
            assertThat(inspect.path("Digest").asText()).as("skopeo inspect " + ref).isEqualTo(image.digest());
            byte[] raw = LocalRegistry.run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false", ref))
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(OciPusher.sha256(raw)).isEqualTo(image.digest());
        }
        // And the registry's own API.
        HttpResponse<String> tags = http.send(HttpRequest.newBuilder(
                URI.create(REGISTRY.baseUrl() + "/v2/" + NAME + "/tags/list")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tags.statusCode()).isEqualTo(200);
        assertThat(json.readTree(tags.body()).path("tags")).extracting(JsonNode::asText).containsExactlyInAnyOrderElementsOf(TAGS);

        OciPusher.PushResult second = pusher.push(image.path(), REGISTRY.baseUrl(), NAME, null);
        assertThat(second.uploadedBlobs()).as("blobs uploaded by the second push").isEmpty();
        assertThat(second.skippedBlobs()).containsExactlyInAnyOrderElementsOf(first.uploadedBlobs());
        assertThat(second.tags()).isEqualTo(first.tags());
    }

    @Test
    void anUnreachableRegistryIsRetriedThenFailsNamingTheRequest() throws Exception {
        FakeTime time = new FakeTime();
        RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMinutes(1), time, time);
        // A port nothing listens on: connection refused, a transient failure.
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        assertThatThrownBy(() -> new OciPusher(policy).push(image.path(), base, NAME, null))
                .isInstanceOf(OciPushException.class)
                .hasMessageContaining("HEAD /v2/" + NAME + "/blobs/sha256:")
                .hasMessageContaining("gave up after 3 attempt(s)");
        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void answersTheBearerChallengeWithATokenFetchedWithTheCredentials() throws Exception {
        try (BearerAuthProxy proxy = new BearerAuthProxy(REGISTRY.baseUrl(), "ci", "pa55word")) {
            String name = "stella-ops.org/signer";
            OciPusher.PushResult result = new OciPusher(RetryPolicy.defaults())
                    .push(image.path(), proxy.baseUrl(), name, new RegistryCredentials("ci", Secret.of("pa55word")));

            assertThat(result.tags()).extracting(OciPusher.TagDigest::digest).containsOnly(image.digest());
            assertThat(proxy.tokenRequests).isNotEmpty()
                    .allSatisfy(q -> assertThat(q).contains("service=stand-in").contains("scope=repository%3A" + name.replace("/", "%2F")));
            // One challenge: the token is reused for every later request.
            assertThat(proxy.unauthorized).hasSize(1);
            String ref = "docker://" + REGISTRY.hostPort() + "/" + name + ":2026.04";
            byte[] raw = LocalRegistry.run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false", ref)).getBytes(StandardCharsets.UTF_8);
            assertThat(OciPusher.sha256(raw)).isEqualTo(image.digest());

            // Anonymous: the token endpoint refuses, and the failure names the request and the status.
            assertThatThrownBy(() -> new OciPusher(RetryPolicy.none()).push(image.path(), proxy.baseUrl(), name, null))
                    .isInstanceOf(OciPushException.class)
                    .hasMessageContaining("token request for HEAD /v2/" + name + "/blobs/")
                    .hasMessageContaining("HTTP 401");
            assertThatThrownBy(() -> new OciPusher(RetryPolicy.none())
                    .push(image.path(), proxy.baseUrl(), name, new RegistryCredentials("ci", Secret.of("wrong-secret"))))
                    .isInstanceOf(OciPushException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-secret"));
        }
    }

    @Test
    void anInvalidRepositoryNameIsRejectedBeforeAnyRequest() {
        assertThatThrownBy(() -> new OciPusher(RetryPolicy.none()).push(image.path(), REGISTRY.baseUrl(), "Stella/Authority", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Stella/Authority");
    }
}
