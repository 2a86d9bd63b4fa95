package io.stellarelease.airgapbundle;

import io.stellarelease.config.AirgapSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away OCI registry to test a bundle in: the configured command (Debian's {@code docker-registry serve
 * ${CONFIG}} by default) on a free loopback port, storing into a new temporary directory, stopped and removed by
 * {@link #close()}. Its pid is written beside its log as build commands' are ({@code registry.log.pid}), so a
 * service restarted after a crash kills a registry its dead process left running.
 */
public final class ScratchRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScratchRegistry.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int ATTEMPTS = 3; // a free port can be taken between choosing it and the registry binding it

    private final Process process;
    private final Path dir;
    private final Path pidFile;
    private final int port;
    /** Stops the registry if the JVM ends before {@link #close()} (SIGTERM mid-test): no process of ours outlives us. */
    private final Thread onExit;

    private ScratchRegistry(Process process, Path dir, Path pidFile, int port) {
        this.process = process;
        this.dir = dir;
        this.pidFile = pidFile;
        this.port = port;
        this.onExit = new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }, "scratch-registry-stop");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /**
     * Starts {@code command} ({@code ${CONFIG}} replaced by the generated configuration file) and waits until it
     * answers {@code GET /v2/}. Its output goes to {@code log}. The command gets the conductor's environment without
     * secrets ({@code secretSuffixes}) and without {@code REGISTRY_*} variables, which would override its configuration.
     */
    public static ScratchRegistry start(List<String> command, Path log, List<String> secretSuffixes)
            throws IOException, InterruptedException {
        Path executable = executable(command.get(0));
        Files.createDirectories(log.toAbsolutePath().getParent());
        AirgapException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Path dir = Files.createTempDirectory("stella-airgap-registry-");
            int port = freePort();
            Path config = dir.resolve("config.yml");
            Files.writeString(config, String.join("\n",
                    "version: 0.1",
                    "log:",
                    "  level: warn",
                    "storage:",
                    "  filesystem:",
                    "    rootdirectory: " + dir.resolve("storage"),
                    "http:",
                    "  addr: 127.0.0.1:" + port,
                    ""));
            List<String> args = new ArrayList<>();
            args.add(executable.toString());
            command.subList(1, command.size()).forEach(a -> args.add(a.replace("${" + AirgapSettings.CONFIG_VALUE + "}", config.toString())));
            ProcessBuilder builder = new ProcessBuilder(args).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(k -> k.startsWith("REGISTRY_") || secretSuffixes.stream().anyMatch(k::endsWith));
            Process process = builder.start();
            Path pidFile = log.resolveSibling(log.getFileName() + ".pid");
            Files.writeString(pidFile, process.pid() + " " + process.info().startInstant().map(Instant::toString).orElse("") + "\n");
            ScratchRegistry registry = new ScratchRegistry(process, dir, pidFile, port);
            try {
                registry.waitUntilUp(log);
                LOG.info("scratch registry {} started for the air-gap test (storage {})", registry.baseUrl(), dir);
                return registry;
            } catch (AirgapException e) {
                registry.close();
                last = e;
            }
        }
        throw last;
    }

    /** {@code http://127.0.0.1:<port>} */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws IOException {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException e) {
            // the JVM is already stopping: the hook stops the registry
        }
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                children.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(pidFile);
        AirgapBundleWriter.deleteTree(dir);
    }

    private void waitUntilUp(Path log) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AirgapException("the scratch registry (" + process.info().command().orElse("?") + ") exited with "
                        + process.exitValue() + " at start-up; see " + log);
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
        throw new AirgapException("the scratch registry did not answer on " + baseUrl() + "/v2/ within "
                + START_TIMEOUT.toSeconds() + " s; see " + log);
    }

    /** The command's executable: a path, or a name looked up on PATH. */
    static Path executable(String name) {
        if (name.contains("/")) {
            if (Files.isExecutable(Path.of(name))) {
                return Path.of(name);
            }
        } else {
            for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(d.isEmpty() ? "." : d, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new AirgapException(name + " is not " + (name.contains("/") ? "an executable file" : "on PATH")
                + ": the air-gap bundle is tested in a scratch registry started with airgap.dockerRegistryCommand;"
                + " install Debian's docker-registry, set airgap.testRegistry to an existing registry,"
                + " or set airgap.enabled: false");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
