package io.stellarelease.clients;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OCI registry for tests: Debian's {@code docker-registry} (distribution 2.x) on a free loopback port, storing
 * into a temp directory, stopped afterwards. Register with {@code @RegisterExtension static LocalRegistry registry = new LocalRegistry();}
 * or use {@link #start()} / {@link #close()} directly. A missing binary fails the test naming the package to install:
 * the tests never skip.
 */
public final class LocalRegistry implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    public static final String BINARY = "docker-registry";

    private Process process;
    private Path dir;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    public void start() throws IOException, InterruptedException {
        Path binary = requireTool(BINARY, "docker-registry");
        dir = Files.createTempDirectory("stella-registry-");
        port = freePort();
        Path config = dir.resolve("config.yml");
        Files.writeString(config, String.join("\n",
                "version: 0.1",
                "log:",
                "  level: warn",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + dir.resolve("storage"),
                "  delete:",
                "    enabled: true",
                "http:",
                "  addr: 127.0.0.1:" + port,
                ""));
        process = new ProcessBuilder(binary.toString(), "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        Process started = process;
        // A test JVM stopped with SIGTERM (a cancelled build) takes its registry with it.
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "local-registry-stop"));
        waitUntilUp();
    }

    /** {@code http://127.0.0.1:<port>} */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:<port>}, as skopeo and docker name it. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("registry.log"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
        if (dir != null) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            dir = null;
        }
    }

    private void waitUntilUp() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(BINARY + " exited with " + process.exitValue() + " at start-up: " + log());
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v2/"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(BINARY + " did not answer on " + baseUrl() + "/v2/ within 30 s: " + log());
    }

    /** The tool on PATH; fails naming the Debian package when absent. */
    public static Path requireTool(String tool, String debianPackage) {
        for (String dirName : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dirName.isEmpty() ? "." : dirName, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(tool + " is not on PATH: these tests need it; install it with "
                + "`apt-get install -y " + debianPackage + "` (Debian)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Runs a command, returns its stdout; fails with its output when it exits non-zero. */
    public static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in 60 s: " + out);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " exited with " + p.exitValue() + ": " + out);
        }
        return out;
    }
}
