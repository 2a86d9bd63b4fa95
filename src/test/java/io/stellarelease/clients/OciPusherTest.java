package io.stellarelease.clients;

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
                .hasMessageStartingWith("registry 127.0.0.1:" + port + ": connection refused")
                .hasMessageContaining("gave up after 3 attempt(s)");
        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void thePlanIsExactlyTheWritesTheRegistryReceives() throws Exception {
        String name = "stella-ops.org/planned";
        List<String> planned = new OciPusher(RetryPolicy.none()).plan(image.path(), name).stream()
                .map(r -> r.method() + " " + r.path()).toList();

        new OciPusher(RetryPolicy.none()).push(image.path(), REGISTRY.baseUrl(), name, null);

        // The registry's own access log: every request it received, in order. The upload location is the registry's
        // choice ({session} in the plan), its _state a token it adds.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(POST|PUT|PATCH|DELETE) (/v2/" + name + "/\\S+) HTTP/1\\.1\"")
                .matcher(REGISTRY.log());
        List<String> received = new java.util.ArrayList<>();
        while (m.find()) {
            received.add(m.group(1) + " " + m.group(2).replaceAll("/blobs/uploads/[^/?]+\\?(?:_state=[^&]*&)?", "/blobs/uploads/{session}?"));
        }
        assertThat(received).hasSize(2 * 2 + TAGS.size());
        assertThat(planned).isEqualTo(received);
    }

    @Test
    void aRegistryRefusingConnectionsIsTriedByOnePushAndTheOthersFailAtOnceSayingWhy() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        FakeTime time = new FakeTime();
        RetryPolicy policy = new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMinutes(1), time, time);

        // One after the other (a stage on one thread): the first push spends its retries, the next sends nothing.
        HostCircuit circuit = new HostCircuit();
        List<String> messages = new java.util.ArrayList<>();
        for (String name : List.of("stella-ops.org/a", "stella-ops.org/b", "stella-ops.org/c")) {
            messages.add(org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> new OciPusher(policy, circuit).push(image.path(), base, name, null), OciPushException.class).getMessage());
        }
        assertThat(time.sleeps).as("retries: those of the first push only").hasSize(3);
        assertThat(messages).allSatisfy(msg -> assertThat(msg)
                .startsWith("registry 127.0.0.1:" + port + ": connection refused (gave up after 4 attempt(s)"));
        assertThat(new java.util.HashSet<>(messages)).as("one failure, said the same way for every push").hasSize(1);

        // At once (the stage's parallel steps): the others wait for the one push probing the registry, then fail.
        time.sleeps.clear();
        HostCircuit parallel = new HostCircuit();
        int pushes = 6;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(pushes);
        try {
            List<java.util.concurrent.Future<String>> failures = new java.util.ArrayList<>();
            for (int i = 0; i < pushes; i++) {
                String name = "stella-ops.org/p" + i;
                failures.add(pool.submit(() -> org.assertj.core.api.Assertions.catchThrowableOfType(
                        () -> new OciPusher(policy, parallel).push(image.path(), base, name, null), OciPushException.class).getMessage()));
            }
            java.util.Set<String> distinct = new java.util.HashSet<>();
            for (var f : failures) {
                distinct.add(f.get());
            }
            assertThat(distinct).singleElement().asString().startsWith("registry 127.0.0.1:" + port + ": connection refused");
            // Without the circuit each push would sleep 3 times (18); with it, the probe 3 and at most one each for
            // the others whose first attempt raced the probe's.
            assertThat(time.sleeps).hasSizeLessThanOrEqualTo(3 + pushes - 1);
        } finally {
            pool.shutdownNow();
        }
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
