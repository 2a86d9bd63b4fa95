package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.clients.GiteaStandIn;
import io.stellarelease.clients.LocalRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Pipeline tests that publish: the release configuration points at a Gitea stand-in (every request checked against
 * Gitea's swagger) and a real docker-registry, both on 127.0.0.1, with the token in a file. Both live for the class.
 */
abstract class PublishingTestSupport extends PipelineTestSupport {
    static final String OWNER = "stella-ops.org";
    static final String REPO = "git.stella-ops.org";
    static final String TOKEN = "gitea-T0ken-never-printed-5f3a9c";
    static final String TAG = "suite-2026.04-nova";
    static final String ASSETS = "/api/v1/repos/[^/]+/[^/]+/releases/\\d+/assets";

    static GiteaStandIn gitea;
    static LocalRegistry registry;
    static Path tokenFile;
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startTargets() throws Exception {
        LocalRegistry.requireTool("skopeo", "skopeo");
        gitea = new GiteaStandIn(OWNER, REPO, TOKEN);
        registry = new LocalRegistry();
        registry.start();
        tokenFile = Files.createTempFile("stella-gitea-token-", "");
        Files.writeString(tokenFile, TOKEN + "\n");
    }

    @AfterAll
    static void stopTargets() throws Exception {
        gitea.close();
        registry.close();
        Files.deleteIfExists(tokenFile);
    }

    @Override
    protected void configure(ObjectNode config) {
        ObjectNode g = (ObjectNode) config.get("gitea");
        g.put("url", gitea.baseUrl().toString());
        g.put("owner", OWNER);
        g.put("repo", REPO);
        g.putObject("token").put("file", tokenFile.toString());
        ObjectNode publish = (ObjectNode) config.get("publish");
        ((ObjectNode) publish.get("release")).put("enabled", true).put("onDifferentAsset", "replace");
        publish.putObject("nuget").put("pushUrl", "{gitea}/api/packages/{owner}/nuget/").putNull("apiKey");
        publish.putObject("registry").put("url", registry.baseUrl()).put("repository", "{owner}/{module}")
                .putNull("username").putNull("password").put("plainHttp", true);
        publish.putObject("helm").put("gitea", true).put("oci", "{owner}/charts");
        // Fast retries: the faults injected here are retried in milliseconds, not seconds.
        publish.putObject("retry").put("attempts", 4).put("initialBackoff", "PT0.02S").put("maxBackoff", "PT0.1S")
                .put("maxTotal", "PT10S");
    }

    /** The release configuration this test's pipeline runs with (for the verify command). */
    Path configFile() {
        return Path.of(context.getPropertiesComponent().resolveProperty("stella.config").orElseThrow());
    }

    /** The digest the registry serves for {@code repository:tag}, read with skopeo, an independent client. */
    static String skopeoDigest(String repository, String tag) throws Exception {
        String ref = "docker://" + registry.hostPort() + "/" + repository + ":" + tag;
        return sha256(LocalRegistry.run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false", ref)));
    }

    static String sha256(String raw) throws Exception {
        return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The registry's own API: the tags of a repository (empty when the repository is unknown). */
    static List<String> registryTags(String repository) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(registry.baseUrl() + "/v2/" + repository + "/tags/list"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return List.of();
        }
        JsonNode tags = JSON.readTree(r.body()).path("tags");
        return tags.isArray() ? java.util.stream.StreamSupport.stream(tags.spliterator(), false).map(JsonNode::asText).toList() : List.of();
    }

    /** Successful write requests (2xx) the stand-in answered whose path matches {@code regex}. */
    static long stored(String method, String regex) {
        return gitea.requests().stream().filter(r -> r.method().equals(method) && r.path().matches(regex)
                && r.status() >= 200 && r.status() < 300).count();
    }
}
