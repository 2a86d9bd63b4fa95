package io.stellarelease.worker;

import io.stellarelease.exec.ExecJob;
import io.stellarelease.exec.JobExecCommand;
import io.stellarelease.exec.JobExecResult;
import io.stellarelease.exec.ProcessTreeExecutor;
import io.stellarelease.exec.StepMessage;
import io.stellarelease.exec.StepReply;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A build worker's work: one {@link StepMessage} from the step queue, run as the conductor would run it here (the
 * {@link ProcessTreeExecutor}: the command from the message, values as environment variables on top of this process's
 * environment minus its secrets, output straight into the step's log, its process tree killed on timeout), with the
 * log and outputs written to the shared directory. The conductor is told when the step starts and how it ended; the
 * route acknowledges the message only after that (a worker that dies holding it never acknowledges it, so the broker
 * delivers it again).
 *
 * <p>A delivery after the first may find the previous worker's command still running on this machine (a worker killed
 * with SIGKILL leaves its children): its pid file beside the log names it, and it is killed first.
 */
public class BuildWorker {
    private static final Logger LOG = LoggerFactory.getLogger(BuildWorker.class);

    private final String name;
    private final ProcessTreeExecutor executor;
    private final Path sharedDir;
    private final Path checkoutDir;
    private final boolean alwaysCheckout;
    private final ProducerTemplate producer;

    public BuildWorker(String name, ProcessTreeExecutor executor, Path sharedDir, Path checkoutDir, boolean alwaysCheckout,
                       ProducerTemplate producer) {
        this.name = name;
        this.executor = executor;
        this.sharedDir = sharedDir == null ? null : sharedDir.toAbsolutePath().normalize();
        this.checkoutDir = checkoutDir.toAbsolutePath().normalize();
        this.alwaysCheckout = alwaysCheckout;
        this.producer = producer;
    }

    public String name() {
        return name;
    }

    /** Runs one delivered step and replies; throws (so the message goes back to the queue) only when this worker stops. */
    public void handle(Exchange exchange) throws Exception {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        int delivery = 1 + deliveryCount(exchange.getMessage().getHeader("x-delivery-count"));
        StepMessage step = StepMessage.fromJson(body);
        reply(step, new StepReply(StepReply.STARTED, step.correlationId(), name, delivery, null, false, false,
                Instant.now().toString(), null, null));
        LOG.info("{}/{}: started (delivery {})", step.stage(), step.name(), delivery);
        StepReply finished = run(step, delivery);
        if (finished.stopped() && executor.isStopping()) {
            // This worker is stopping: the step goes back to the queue for another worker.
            throw new IllegalStateException(step.stage() + "/" + step.name() + ": worker stopping, step handed back");
        }
        reply(step, finished);
        boolean ok = finished.exitCode() != null && finished.exitCode() == 0 && finished.message() == null && !finished.timedOut();
        LOG.info("{}/{}: {} (exit {})", step.stage(), step.name(), ok ? "done" : "failed", finished.exitCode());
    }

    private StepReply run(StepMessage step, int delivery) throws IOException {
        Instant started = Instant.now();
        Path log;
        Path outputDir;
        Path workspace;
        try {
            log = StepMessage.decode(step.log(), sharedDir);
            outputDir = StepMessage.decode(step.outputDir(), sharedDir);
            workspace = workspace(step);
        } catch (RuntimeException e) {
            return new StepReply(StepReply.FINISHED, step.correlationId(), name, delivery, 127, false, false,
                    started.toString(), Instant.now().toString(), "worker " + name + " could not run it: " + e.getMessage());
        }
        if (delivery > 1) {
            // The worker before this one died holding the step: what it started may still run (here, if on this machine).
            killLeftover(log);
            recreate(outputDir);
        } else {
            Files.createDirectories(outputDir);
        }
        Map<String, String> env = new LinkedHashMap<>(step.env());
        for (String variable : StepMessage.PATH_VARIABLES) {
            env.computeIfPresent(variable, (k, v) -> StepMessage.decode(v, sharedDir).toString());
        }
        env.put("WORKSPACE", workspace.toString());
        env.put("OUTPUT_DIR", outputDir.toString());
        ExecJob job = new ExecJob(step.stage(), step.name(), step.command(), workspace, env,
                Duration.ofMillis(step.timeoutMs()), log, outputDir);
        JobExecResult result = (JobExecResult) executor.execute(new JobExecCommand(job));
        Files.writeString(log, "# ran on build worker " + name + " (delivery " + delivery + ")\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        return new StepReply(StepReply.FINISHED, step.correlationId(), name, delivery, result.getExitValue(), result.timedOut(),
                result.stopped(), result.startedAt().toString(), result.finishedAt().toString(), null);
    }

    /** The step's workspace: the one it names when this worker sees it (a shared workspace), else a checkout of its commit. */
    private Path workspace(StepMessage step) {
        Path named = StepMessage.decode(step.workspace(), sharedDir);
        if (!alwaysCheckout && Files.isDirectory(named)) {
            return named;
        }
        if (step.repository() == null || step.commit() == null) {
            throw new IllegalStateException("workspace " + named + " is not here and the step names no commit to check out");
        }
        return checkout(step.repository(), step.commit());
    }

    /** A checkout of the commit, made once per commit and kept ({@code <checkout-dir>/<commit>}). */
    private synchronized Path checkout(String repository, String commit) {
        if (!commit.matches("[0-9a-f]{40,64}")) {
            throw new IllegalStateException("not a commit id: " + commit);
        }
        Path dir = checkoutDir.resolve(commit);
        if (Files.isDirectory(dir.resolve(".git"))) {
            return dir;
        }
        String from = repository.startsWith(StepMessage.SHARED) ? StepMessage.decode(repository, sharedDir).toString() : repository;
        Path partial = checkoutDir.resolve("." + commit + ".partial");
        try {
            deleteTree(partial);
            Files.createDirectories(checkoutDir);
            // The repository reaches git as an argument of its own, after --: never as an option.
            git(checkoutDir, "clone", "--quiet", "--no-checkout", "--", from, partial.toString());
            git(partial, "-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit);
            Files.move(partial, dir);
            LOG.info("checked out {} into {}", commit, dir);
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException("could not check out " + commit + ": " + e.getMessage(), e);
        }
    }

    private static void git(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("git " + args[0] + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Kills the process tree a pid file beside the log names, when that process (same start time) still runs here. */
    static void killLeftover(Path log) {
        Path pid = log.resolveSibling(log.getFileName() + ".pid");
        try {
            if (!Files.isRegularFile(pid)) {
                return;
            }
            String[] parts = Files.readString(pid).strip().split(" ");
            Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(parts[0]));
            if (handle.isPresent() && parts.length > 1
                    && handle.get().info().startInstant().map(Instant::toString).orElse("").equals(parts[1])) {
                LOG.warn("killing pid {} left running by the worker that had {} before", parts[0], log.getFileName());
                handle.get().descendants().forEach(ProcessHandle::destroyForcibly);
                handle.get().destroyForcibly();
                handle.get().onExit().get(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(pid);
        } catch (Exception e) {
            LOG.warn("could not check {}: {}", pid, e.getMessage());
        }
    }

    private static void recreate(Path dir) throws IOException {
        deleteTree(dir);
        Files.createDirectories(dir);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private void reply(StepMessage step, StepReply reply) {
        producer.sendBody("spring-rabbitmq:default?autoDeclare=false&routingKey=" + step.replyTo(), reply.toJson());
    }

    private static int deliveryCount(Object header) {
        if (header instanceof Number n) {
            return n.intValue();
        }
        if (header != null) {
            try {
                return Integer.parseInt(header.toString());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }
}
