package io.stellarelease.exec;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecCommandExecutor;
import org.apache.camel.component.exec.ExecException;
import org.apache.camel.component.exec.ExecResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs exec steps on build workers ({@code stella-release worker}) instead of here: {@code stella.exec.mode = rabbitmq}.
 * camel-exec calls it exactly as it calls the {@link ProcessTreeExecutor} ({@code routes/exec-step.yaml} is the same
 * route in both modes); each step becomes a {@link StepMessage} on the step queue, and this waits for its worker's
 * {@link StepReply} on this conductor's reply queue (consumed by a Camel route). The worker writes the step's log and
 * outputs where this process reads them: the shared directory. A step the broker dead-letters (its workers died
 * {@code max-deliveries} times) fails with that reason.
 *
 * <p>Metrics (on the registry {@code serve} exports): {@code stella.worker.steps.in.flight} and
 * {@code stella.worker.steps} per worker, {@code stella.exec.queue.depth}.
 */
public class RemoteStepExecutor implements ExecCommandExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteStepExecutor.class);

    private final CamelContext context;
    private final Supplier<ConnectionFactory> rabbit;
    private final StepQueues queues;
    private final Path sharedDir;
    private final ProcessTreeExecutor local;
    private final Supplier<MeterRegistry> meters;
    private final java.util.Set<String> remoteStages;
    private final String replyQueue;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<Path, Source> sources = new ConcurrentHashMap<>();
    private volatile ProducerTemplate producer;

    /** One step waiting for its worker. */
    private static final class Pending {
        final ExecJob job;
        final CompletableFuture<Object> done = new CompletableFuture<>();
        volatile String worker;
        volatile int delivery;
        /** The worker whose in-flight gauge counts this step, if any. */
        String counted;

        Pending(ExecJob job) {
            this.job = job;
        }
    }

    /** The workspace's commit and where a worker can clone it from. */
    private record Source(String repository, String commit, long readAt) {
    }

    /**
     * @param sharedDir the directory conductor and workers share (null: paths are sent as they are, for workers that
     *                  see the same file system at the same place)
     * @param rabbit    the RabbitMQ connection, looked up when the context starts
     * @param local     this process's executor: it runs the steps of other stages, and when it stops (SIGTERM),
     *                  waiting for workers ends too
     * @param remoteStages the stages whose steps go to workers (the builds); the others (database backups and
     *                  restores, rollbacks, kamelet steps of stages not listed) run here
     */
    public RemoteStepExecutor(CamelContext context, Supplier<ConnectionFactory> rabbit, StepQueues queues, Path sharedDir,
                              ProcessTreeExecutor local, Supplier<MeterRegistry> meters, java.util.Collection<String> remoteStages) {
        this.context = context;
        this.rabbit = rabbit;
        this.queues = queues;
        this.sharedDir = sharedDir == null ? null : sharedDir.toAbsolutePath().normalize();
        this.local = local;
        this.meters = meters;
        this.remoteStages = java.util.Set.copyOf(remoteStages);
        this.replyQueue = queues.queue() + ".reply." + UUID.randomUUID().toString().substring(0, 8);
    }

    public String replyQueue() {
        return replyQueue;
    }

    /** Declares the queues and adds the route that consumes this conductor's replies. Call before the context starts. */
    public void install() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("spring-rabbitmq:" + queues.deadLetterExchange() + "?queues=" + replyQueue
                        + "&autoDeclare=false&acknowledgeMode=AUTO&concurrentConsumers=1&maximumRetryAttempts=1")
                        .routeId("exec-remote-replies")
                        .process(e -> onReply(e.getMessage().getBody(byte[].class)));
            }
        });
        context.addStartupListener((ctx, alreadyStarted) -> {
            if (!alreadyStarted) {
                queues.declare(rabbit.get());
                queues.declareReplies(rabbit.get(), replyQueue);
                Gauge.builder("stella.exec.queue.depth", this, r -> r.queues.depth(r.rabbit.get()))
                        .description("Build steps waiting for a worker (-1: RabbitMQ cannot be asked)")
                        .tag("queue", queues.queue()).register(meters.get());
                // Readiness: steps sent with no worker consuming, or with the broker gone, wait; /observe/health says so.
                org.apache.camel.health.HealthCheckRegistry health = org.apache.camel.health.HealthCheckRegistry.get(ctx);
                if (health != null) {
                    health.register(new org.apache.camel.impl.health.AbstractHealthCheck("stella", "stella-build-workers") {
                        @Override
                        public boolean isLiveness() {
                            return false;
                        }

                        @Override
                        protected void doCall(org.apache.camel.health.HealthCheckResultBuilder builder,
                                              java.util.Map<String, Object> options) {
                            builder.detail("queue", queues.queue());
                            String why = queues.problem(rabbit.get());
                            if (why == null) {
                                builder.up();
                            } else {
                                builder.message(why).down();
                            }
                        }
                    });
                }
            }
        });
    }

    @Override
    public ExecResult execute(ExecCommand command) throws ExecException, IOException {
        ExecJob job = JobExecCommand.jobOf(command);
        // Only build steps leave this process, and never one whose environment holds a secret (a database password):
        // a message on the broker is readable by whoever can read the queue.
        if (!remoteStages.contains(job.stage()) || job.env().keySet().stream().anyMatch(this::looksSecret)) {
            return local.execute(command);
        }
        Instant queued = Instant.now();
        Files.createDirectories(job.log().getParent());
        if (local.isStopping()) {
            Files.writeString(job.log(), "# not started: stella-release is stopping\n", StandardCharsets.UTF_8);
            return new JobExecResult(command, ProcessTreeExecutor.STOPPED_EXIT, false, true, queued, Instant.now());
        }
        String unshared = unshared(job);
        if (unshared != null) {
            Files.writeString(job.log(), "# not sent to a build worker: " + unshared + "\n", StandardCharsets.UTF_8);
            return new JobExecResult(command, 2, false, false, queued, Instant.now(), null, 0, unshared);
        }
        Files.writeString(job.log(), "# " + job.stage() + "/" + job.name() + ": queued for a build worker (" + queues.queue()
                + ") at " + queued + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);

        String id = UUID.randomUUID().toString();
        Pending p = new Pending(job);
        pending.put(id, p);
        try {
            producer().sendBody("spring-rabbitmq:" + queues.exchange() + "?exchangeType=fanout&autoDeclare=false&routingKey="
                    + replyQueue, message(id, job).toJson());
            Object outcome = await(p);
            if (outcome == null) {
                return new JobExecResult(command, ProcessTreeExecutor.STOPPED_EXIT, false, true, queued, Instant.now(),
                        p.worker, p.delivery, "stopped: stella-release is stopping (the worker may still finish the step)");
            }
            if (outcome instanceof StepReply reply) {
                return new JobExecResult(command, reply.exitCode() == null ? 127 : reply.exitCode(), reply.timedOut(),
                        reply.stopped(), parse(reply.startedAt(), queued), parse(reply.finishedAt(), Instant.now()),
                        reply.worker(), reply.delivery(), reply.message());
            }
            // Dead-lettered: every delivery's worker died (or gave it back) before finishing it.
            String why = "its build worker died before finishing it, " + queues.maxDeliveries() + " time(s)"
                    + (p.worker != null ? " (last: " + p.worker + ")" : "")
                    + "; given up after stella.exec.remote.max-deliveries = " + queues.maxDeliveries();
            Files.writeString(job.log(), "\n# " + why + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            count(p.worker != null ? p.worker : "none", "lost");
            return new JobExecResult(command, -1, false, false, queued, Instant.now(), p.worker, queues.maxDeliveries(), why);
        } finally {
            pending.remove(id);
            settle(p);
        }
    }

    /** A secret suffix ({@code stella.exec.secret-suffixes}), or PASSWORD, TOKEN or SECRET anywhere in the name (PGPASSWORD). */
    private boolean looksSecret(String name) {
        String upper = name.toUpperCase(java.util.Locale.ROOT);
        return local.isSecret(name) || upper.contains("PASSWORD") || upper.contains("TOKEN") || upper.contains("SECRET");
    }

    /** Waits for the outcome: a reply, a dead letter, or null when this process stops. */
    private Object await(Pending p) throws ExecException {
        while (true) {
            if (local.isStopping()) {
                return null;
            }
            try {
                return p.done.get(250, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // keep waiting: a step may wait in the queue for as long as the workers are busy
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ExecException("interrupted while waiting for a build worker to run " + p.job, null, null, -1, e);
            } catch (ExecutionException e) {
                throw new ExecException(e.getCause().getMessage(), null, null, -1, e.getCause());
            }
        }
    }

    /** A reply, or a dead-lettered step, from this conductor's reply queue. */
    void onReply(byte[] body) {
        JsonNode node;
        try {
            node = StepMessage.JSON.readTree(body);
        } catch (IOException e) {
            LOG.warn("ignored a message on {} that is not JSON: {}", replyQueue, e.getMessage());
            return;
        }
        if (node.has("command")) {
            StepMessage dead = StepMessage.fromJson(body);
            Pending p = pending.get(dead.correlationId());
            if (p != null) {
                LOG.warn("{}/{}: dead-lettered after {} deliveries: its workers died running it", dead.stage(), dead.name(),
                        queues.maxDeliveries());
                settle(p);
                p.done.complete(dead);
            }
            return;
        }
        StepReply reply = StepReply.fromJson(body);
        Pending p = pending.get(reply.correlationId());
        if (p == null) {
            // A step finished twice (its first worker died after replying, before acknowledging), or an earlier process's.
            LOG.debug("reply for a step no longer waited for: {}", reply.correlationId());
            return;
        }
        if (StepReply.STARTED.equals(reply.type())) {
            synchronized (p) {
                if (p.done.isDone()) {
                    return;
                }
                if (p.worker != null) {
                    LOG.warn("{}/{}: delivered again (delivery {}), now to {}: {} did not finish it", p.job.stage(), p.job.name(),
                            reply.delivery(), reply.worker(), p.worker);
                }
                settle(p);
                p.worker = reply.worker();
                p.delivery = reply.delivery();
                p.counted = p.worker;
                inFlight(p.worker).incrementAndGet();
            }
        } else if (StepReply.FINISHED.equals(reply.type())) {
            synchronized (p) {
                settle(p);
                p.worker = reply.worker();
                p.delivery = reply.delivery();
            }
            String outcome = reply.timedOut() ? "timed-out"
                    : reply.exitCode() != null && reply.exitCode() == 0 && !reply.stopped() ? "done" : "failed";
            count(reply.worker(), outcome);
            p.done.complete(reply);
        }
    }

    /** The step no longer counts as in flight on its worker (once, however many replies and dead letters come). */
    private void settle(Pending p) {
        synchronized (p) {
            if (p.counted != null) {
                inFlight(p.counted).decrementAndGet();
                p.counted = null;
            }
        }
    }

    private AtomicInteger inFlight(String worker) {
        return inFlight.computeIfAbsent(worker, w -> {
            AtomicInteger n = new AtomicInteger();
            Gauge.builder("stella.worker.steps.in.flight", n, AtomicInteger::get)
                    .description("Build steps a worker is running now").tag("worker", w).register(meters.get());
            return n;
        });
    }

    private void count(String worker, String outcome) {
        Counter.builder("stella.worker.steps").description("Build steps finished by workers, by outcome")
                .tag("worker", worker).tag("outcome", outcome).register(meters.get()).increment();
    }

    private StepMessage message(String id, ExecJob job) {
        Map<String, String> env = new LinkedHashMap<>(job.env());
        for (String name : StepMessage.PATH_VARIABLES) {
            env.computeIfPresent(name, (k, v) -> StepMessage.encode(Path.of(v), sharedDir));
        }
        Source source = source(job.workingDir());
        return new StepMessage(id, replyQueue, job.stage(), job.name(), job.command(), env,
                StepMessage.encode(job.workingDir(), sharedDir), StepMessage.encode(job.log(), sharedDir),
                StepMessage.encode(job.outputDir(), sharedDir), job.timeout().toMillis(), source.repository(), source.commit());
    }

    /** Why a worker could not write this step's log or outputs where this process reads them, or null. */
    private String unshared(ExecJob job) {
        if (sharedDir == null) {
            return null;
        }
        for (Path p : new Path[] {job.log(), job.outputDir()}) {
            if (!p.toAbsolutePath().normalize().startsWith(sharedDir)) {
                return p + " is not under stella.exec.shared-dir (" + sharedDir + "), so build workers cannot write it:"
                        + " put the release output (--out, output in release.yaml) in the shared directory";
            }
        }
        return null;
    }

    /** The workspace's HEAD commit and origin (or its own path), read at most every 10 seconds per workspace. */
    private Source source(Path workspace) {
        long now = System.nanoTime();
        Source known = sources.get(workspace);
        if (known != null && now - known.readAt() < TimeUnit.SECONDS.toNanos(10)) {
            return known;
        }
        String commit = git(workspace, "rev-parse", "HEAD");
        String origin = git(workspace, "config", "--get", "remote.origin.url");
        Source s = new Source(origin != null ? origin : StepMessage.encode(workspace, sharedDir), commit, now);
        sources.put(workspace, s);
        return s;
    }

    private static String git(Path dir, String... args) {
        try {
            var command = new java.util.ArrayList<>(java.util.List.of("git", "-C", dir.toString()));
            command.addAll(java.util.List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty() ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private ProducerTemplate producer() {
        ProducerTemplate p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = context.createProducerTemplate();
                }
                p = producer;
            }
        }
        return p;
    }

    private static Instant parse(String time, Instant otherwise) {
        try {
            return time == null ? otherwise : Instant.parse(time);
        } catch (RuntimeException e) {
            return otherwise;
        }
    }
}
