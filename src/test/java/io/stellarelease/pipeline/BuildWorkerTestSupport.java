package io.stellarelease.pipeline;

import io.stellarelease.state.ReleaseRun;
import org.junit.jupiter.api.AfterEach;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The conductor in this JVM with {@code stella.exec.mode = rabbitmq} on the machine's real RabbitMQ (127.0.0.1:5672,
 * a step queue of its own per test), and build workers as real processes ({@code java -cp ... StellaRelease worker}),
 * sharing the test's directory: the release output is under it.
 */
abstract class BuildWorkerTestSupport extends PipelineTestSupport {
    // Set on first use: the properties are asked for from the superclass's constructor, before field initialisers run.
    private String queue;
    protected final Map<String, Process> workers = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Process> all = new java.util.concurrent.CopyOnWriteArrayList<>();

    protected synchronized String queue() {
        if (queue == null) {
            queue = "stella.steps.test-" + UUID.randomUUID().toString().substring(0, 8);
        }
        return queue;
    }

    /** Deliveries of a step before it fails as a step that kills its workers. */
    protected int maxDeliveries() {
        return 3;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = super.useOverridePropertiesWithPropertiesComponent();
        p.putAll(remoteProperties());
        return p;
    }

    private Map<String, String> remoteProperties() {
        return Map.of("stella.exec.mode", "rabbitmq", "stella.exec.remote.queue", queue(),
                "stella.exec.remote.max-deliveries", Integer.toString(maxDeliveries()),
                "stella.exec.shared-dir", tmp.toString());
    }

    /** Starts {@code stella-release worker --name <name>} as its own process; its output goes to {@code <tmp>/<name>.log}. */
    protected Process startWorker(String name, String... options) {
        try {
            Path properties = tmp.resolve("worker.properties");
            if (!Files.exists(properties)) {
                StringBuilder text = new StringBuilder(Files.readString(Fixtures.REPO_ROOT.resolve("config/application.properties")));
                text.append("\n");
                remoteProperties().forEach((k, v) -> text.append(k).append(" = ").append(v).append("\n"));
                text.append("stella.worker.checkout-dir = ").append(tmp.resolve("checkouts")).append("\n");
                Files.writeString(properties, text);
            }
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    "io.stellarelease.cli.StellaRelease", "worker", "--name", name, "--properties", properties.toString()));
            command.addAll(List.of(options));
            Path log = tmp.resolve(name + ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            workers.put(name, process);
            all.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the worker consumes the step queue (it logs that it is ready). */
    protected void awaitReady(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!workerLog(name).contains("build worker " + name + " ready")) {
            if (System.nanoTime() > deadline || !workers.get(name).isAlive()) {
                throw new AssertionError("worker " + name + " did not start:\n" + workerLog(name));
            }
            Thread.sleep(100);
        }
    }

    /** The release, run on another thread so a hung release fails the test instead of hanging it. */
    protected ReleaseRun releaseWithin(int seconds, String tag, boolean skipTests, boolean dryRun) throws Exception {
        return CompletableFuture.supplyAsync(() -> release(tag, skipTests, dryRun)).get(seconds, TimeUnit.SECONDS);
    }

    protected String workerLog(String name) throws IOException {
        Path log = tmp.resolve(name + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @AfterEach
    void stopWorkersAndDeleteQueues() throws Exception {
        for (Process p : all) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        CachingConnectionFactory factory = new CachingConnectionFactory("127.0.0.1", 5672);
        factory.setUsername("guest");
        factory.setPassword("guest");
        try (var connection = factory.createConnection(); var channel = connection.createChannel(false)) {
            channel.queueDelete(queue());
            if (context != null) {
                var remote = context.getRegistry().lookupByNameAndType("stepExecutor", io.stellarelease.exec.RemoteStepExecutor.class);
                if (remote != null) {
                    channel.queueDelete(remote.replyQueue());
                }
            }
            channel.exchangeDelete(queue());
            channel.exchangeDelete(queue() + ".dlx");
        } finally {
            factory.destroy();
        }
    }
}
