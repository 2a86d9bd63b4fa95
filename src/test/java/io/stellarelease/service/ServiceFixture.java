package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What the service tests share: a git repository with release tags made from the example workspace
 * (the service checks tags out of it as its mirror), a configuration pointing at it, and an HTTP client.
 */
final class ServiceFixture {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final byte[] SECRET = "test-webhook-secret".getBytes();
    static final String TOKEN = "test-dispatch-token";

    final Path dir;
    final Path repo;
    final Path out;
    final Path state;
    final Path queue;
    final Path config;
    final int port;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ServiceFixture(Consumer<ObjectNode> edit) {
        try {
            dir = Files.createTempDirectory("stella-service-");
            repo = dir.resolve("repo");
            copyTree(ROOT.resolve("examples/stellaops"), repo);
            // A second release version, so tests can run two versions without meeting each other's active run.
            Path changelog = repo.resolve("CHANGELOG.md");
            Files.writeString(changelog, Files.readString(changelog).replace("## [2026.04]",
                    "## [2026.10] - 2026-10-15\n\nCodename: Orion.\n\n## [2026.04]"));
            git(repo, "init", "-q", "-b", "main");
            git(repo, "add", "-A");
            git(repo, "commit", "-q", "-m", "example");
            git(repo, "tag", "suite-2026.04-nova");
            git(repo, "tag", "suite-2026.04-nova-lts");
            git(repo, "tag", "suite-2026.10-orion-stable");
            out = dir.resolve("out");
            state = dir.resolve("state");
            queue = dir.resolve("queue");
            ObjectNode c = (ObjectNode) YAML.readTree(ROOT.resolve("config/release.yaml").toFile());
            c.put("workspace", repo.toString());
            c.put("output", out.toString());
            // Offline: no publishing target (the publishing tests use a Gitea stand-in and a local registry).
            ObjectNode publish = (ObjectNode) c.get("publish");
            ((ObjectNode) publish.get("release")).put("enabled", false);
            publish.putNull("nuget");
            publish.putNull("registry");
            ((ObjectNode) publish.get("helm")).put("gitea", false).putNull("oci");
            ((ObjectNode) c.get("checkout")).put("mirror", repo.toString());
            // No air-gap bundle (a scratch registry per release): the pipeline tests cover it.
            ((ObjectNode) c.get("airgap")).put("enabled", false);
            edit.accept(c);
            config = dir.resolve("release.yaml");
            YAML.writeValue(config.toFile(), c);
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Slows every module build by {@code seconds} (the example's STELLA_EXAMPLE_SLEEP hook), so a run stays active. */
    static void slowModules(ObjectNode config, String seconds) {
        ObjectNode modules = (ObjectNode) config.get("modules");
        com.fasterxml.jackson.databind.node.ArrayNode command = modules.arrayNode().add("env").add("STELLA_EXAMPLE_SLEEP=" + seconds);
        command.addAll((com.fasterxml.jackson.databind.node.ArrayNode) modules.get("command"));
        modules.set("command", command);
    }

    /** Properties for serve: this fixture's state, queue, port and secrets. */
    Map<String, String> overrides() {
        return Map.of(
                "stella.state-dir", state.toString(),
                "stella.dispatch.dir", queue.toString(),
                "camel.server.port", Integer.toString(port),
                "camel.management.port", Integer.toString(port),
                "stella.webhook.secret", new String(SECRET),
                "stella.dispatch.token", TOKEN);
    }

    HttpResponse<String> post(String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** Polls the run API until the run matches, failing with the last state seen. */
    JsonNode awaitRun(String id, Predicate<JsonNode> done, Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(end)) {
            try {
                HttpResponse<String> r = get("/api/v1/runs/" + id);
                if (r.statusCode() == 200) {
                    last = json(r);
                    if (done.test(last)) {
                        return last;
                    }
                }
            } catch (UncheckedIOException e) {
                // the service is starting or stopping: try again
            }
            sleep(200);
        }
        throw new AssertionError("run " + id + " did not get there in " + timeout + "; last seen: " + last);
    }

    /** Waits until a {@code serve} process started on this fixture answers /observe/health with 200. */
    void awaitHealthy(Process service) {
        Instant end = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(end)) {
            if (!service.isAlive()) {
                throw new AssertionError("the service process exited early; see " + dir);
            }
            try {
                if (get("/observe/health").statusCode() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            sleep(200);
        }
        throw new AssertionError("the service did not become healthy in 60 s; see " + dir);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A real Gitea webhook body, from the test resources (src/test/resources/gitea/webhooks). */
    static byte[] giteaSample(String name) {
        String resource = "/gitea/webhooks/" + name;
        try (InputStream in = ServiceFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("the Gitea sample bodies are needed: " + resource + " is not on the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Gitea-format webhook body for a release tag, from the real sample. */
    static byte[] giteaCreate(String tag) {
        try {
            ObjectNode body = (ObjectNode) JSON.readTree(giteaSample("gitea-create-tag.json"));
            body.put("ref", tag);
            body.remove("secret");
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] giteaBranchPush() {
        return giteaSample("gitea-push-branch.json");
    }

    static byte[] giteaPush(String tag) {
        try {
            ObjectNode body = (ObjectNode) JSON.readTree(giteaSample("gitea-push-branch.json"));
            body.put("ref", "refs/tags/" + tag);
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs git in {@code dir} and returns what it printed. */
    static String git(Path dir, String... args) {
        String[] command = Stream.concat(Stream.of("git", "-c", "user.name=Test", "-c", "user.email=test@example.org"),
                Stream.of(args)).toArray(String[]::new);
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("git " + String.join(" ", args) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("git is needed by this test: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
