package io.stellarelease.exec;

import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecCommandExecutor;
import org.apache.camel.component.exec.ExecException;
import org.apache.camel.component.exec.ExecResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.time.Duration;

/**
 * Runs camel-exec commands with {@link ProcessBuilder}: the job's environment on top of the conductor's
 * (minus its secrets), output redirected by the OS straight into the log file (no pump threads, nothing
 * buffered in memory), and on timeout the whole process tree is killed, not just the direct child.
 *
 * <p>{@link #stop()} ends it for good: no command starts afterwards (a parallel stage's remaining steps
 * fail at once instead of starting builds nobody will wait for), and the running ones get SIGTERM, their
 * whole tree, then SIGKILL for whatever is left after the stop grace.
 */
public class ProcessTreeExecutor implements ExecCommandExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTreeExecutor.class);
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(5);
    private static final long SWEEP_MS = 100;

    private final List<String> secretSuffixes;
    private final Duration stopGrace;
    private final java.util.Set<Process> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The processes a stop ended: their result says so, whatever their exit value (a shell whose children died may exit 0). */
    private final java.util.Set<Process> ended = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Starts hold the read lock, {@link #stop()} the write lock: a command either started before the stop or never starts. */
    private final ReadWriteLock startLock = new ReentrantReadWriteLock();
    private volatile boolean stopping;

    /** @param secretSuffixes names of the conductor's environment variables ending in one of these are not passed on */
    public ProcessTreeExecutor(List<String> secretSuffixes) {
        this(secretSuffixes, DEFAULT_STOP_GRACE);
    }

    /** @param stopGrace how long running commands have between SIGTERM and SIGKILL when the conductor stops (and on timeout) */
    public ProcessTreeExecutor(List<String> secretSuffixes, Duration stopGrace) {
        preferDirectLaunch();
        this.secretSuffixes = List.copyOf(secretSuffixes);
        this.stopGrace = stopGrace;
    }

    static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    /**
     * Starts commands with one exec instead of two where the JDK allows it: on Linux the JDK's default
     * ({@code POSIX_SPAWN}) execs its {@code jspawnhelper}, which then execs the command; {@code VFORK} execs the
     * command directly, and a {@code true} build step starts in about half the time (docs/BENCHMARKS.md). VFORK was
     * the JDK's own default on Linux up to Java 11; Java 25 deprecated it (it prints a warning) and Java 26 removed
     * it, so from 25 on the JDK's default stays. A {@code -Djdk.lang.Process.launchMechanism} given by the user
     * always wins. Takes effect only before the JVM's first process start: {@code main} calls it first thing, and
     * every executor's constructor again (for embedded use); a later call changes nothing.
     */
    public static void preferDirectLaunch() {
        String chosen = launchMechanism(System.getProperty("os.name", ""), Runtime.version().feature(),
                System.getProperty(LAUNCH_MECHANISM));
        if (chosen != null) {
            System.setProperty(LAUNCH_MECHANISM, chosen);
        }
    }

    /** The launch mechanism to set, or null to leave the JDK's choice (or the user's) alone. */
    static String launchMechanism(String osName, int javaFeature, String userChoice) {
        if (userChoice != null || !osName.toLowerCase(java.util.Locale.ROOT).contains("linux") || javaFeature >= 25) {
            return null;
        }
        return "VFORK";
    }

    /** True once {@link #stop()} began: every command from then on is refused. */
    public boolean isStopping() {
        return stopping;
    }

    @Override
    public ExecResult execute(ExecCommand command) throws ExecException, IOException {
        ExecJob job = JobExecCommand.jobOf(command);
        String header = "# " + job.stage() + "/" + job.name() + ": " + String.join(" ", job.command())
                + "\n# in " + job.workingDir() + ", started " + Instant.now() + "\n";
        try {
            writeHeader(job.log(), header);
        } catch (java.nio.file.NoSuchFileException e) {
            // The stage's first step: its log directory is made here, and only then (not a mkdir and a stat per step).
            Files.createDirectories(job.log().getParent());
            writeHeader(job.log(), header);
        }

        List<String> argv = new ArrayList<>(job.command());
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(job.workingDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(job.log().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(this::isSecret);
        env.putAll(job.env());

        Instant started = Instant.now();
        Process process;
        startLock.readLock().lock();
        try {
            if (stopping) {
                Files.writeString(job.log(), "# not started: stella-release is stopping\n", StandardOpenOption.APPEND);
                return new JobExecResult(command, STOPPED_EXIT, false, true, started, Instant.now());
            }
            process = builder.start();
            // Where the process is, for as long as it runs: if the conductor dies, the next start kills what it left.
            running.add(process);
        } catch (IOException e) {
            // Command not found or not executable: report it as the step's failure, with the reason in its log.
            Files.writeString(job.log(), "# could not start: " + e.getMessage() + "\n", StandardOpenOption.APPEND);
            return new JobExecResult(command, 127, false, started, Instant.now());
        } finally {
            startLock.readLock().unlock();
        }
        Path pidFile = pidFile(job.log());
        Files.writeString(pidFile, process.pid() + " " + process.info().startInstant().map(Instant::toString).orElse("") + "\n");
        boolean timedOut = false;
        try {
            if (!process.waitFor(job.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                LOG.warn("{}/{} ran past its timeout of {}: killing its process tree", job.stage(), job.name(), job.timeout());
                killTrees(List.of(process), stopGrace);
            }
            // After a stop's kill the process is gone; wait for the stop to finish with its descendants too.
            process.waitFor();
        } catch (InterruptedException e) {
            killTrees(List.of(process), Duration.ZERO);
            running.remove(process);
            Thread.currentThread().interrupt();
            throw new ExecException("interrupted while running " + job, null, null, -1, e);
        }
        running.remove(process);
        Files.deleteIfExists(pidFile);
        Instant finished = Instant.now();
        int exit = process.exitValue();
        boolean stopped = !timedOut && ended.remove(process);
        if (timedOut) {
            Files.writeString(job.log(), "\n# killed after the timeout of " + job.timeout() + "\n", StandardOpenOption.APPEND);
        } else if (stopped) {
            Files.writeString(job.log(), "\n# stopped: stella-release is stopping (exit " + exit + ")\n", StandardOpenOption.APPEND);
        }
        return new JobExecResult(command, exit, timedOut, stopped, started, finished);
    }

    private static void writeHeader(Path log, String header) throws IOException {
        Files.writeString(log, header, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** The exit value reported for a command refused because the conductor is stopping (as if SIGTERM ended it). */
    public static final int STOPPED_EXIT = 143;

    /**
     * Stops for good: from now on no command starts, and every running one is ended with its whole process tree
     * (SIGTERM, then SIGKILL after the stop grace). Returns once they are all gone; returns how many there were.
     */
    public int stop() {
        List<Process> all;
        startLock.writeLock().lock();
        try {
            stopping = true;
            all = List.copyOf(running);
            ended.addAll(all);
        } finally {
            startLock.writeLock().unlock();
        }
        if (!all.isEmpty()) {
            LOG.info("stopping {} running command(s): SIGTERM to each process tree, SIGKILL after {}", all.size(), stopGrace);
            killTrees(all, stopGrace);
        }
        return all.size();
    }

    static Path pidFile(Path log) {
        return log.resolveSibling(log.getFileName() + ".pid");
    }

    /**
     * Kills the process trees that a previous, crashed conductor left running under {@code logsDir}
     * (their {@code .pid} files), so a resumed run does not race its own orphans. A pid is only trusted
     * when the process's start time matches: a recycled pid belongs to someone else.
     */
    public static int killOrphans(Path logsDir) {
        if (!Files.isDirectory(logsDir)) {
            return 0;
        }
        int killed = 0;
        try (var files = Files.walk(logsDir)) {
            for (Path pid : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".log.pid"))::iterator) {
                // One file at a time: an empty or torn pid file (a power cut before its content reached the disk)
                // says nothing and is dropped, and does not keep the files after it from being read.
                try {
                    String[] parts = Files.readString(pid).strip().split(" ");
                    Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(parts[0]));
                    if (handle.isPresent() && parts.length > 1
                            && handle.get().info().startInstant().map(Instant::toString).orElse("").equals(parts[1])) {
                        handle.get().descendants().forEach(ProcessHandle::destroyForcibly);
                        handle.get().destroyForcibly();
                        killed++;
                    }
                } catch (NumberFormatException e) {
                    LOG.warn("{} does not hold a pid ({}): left alone", pid, e.getMessage());
                }
                Files.deleteIfExists(pid);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not clean up processes left in {}: {}", logsDir, e.getMessage());
        }
        return killed;
    }

    /** True for a variable name ending in one of the secret suffixes ({@code stella.exec.secret-suffixes}). */
    public boolean isSecret(String name) {
        return secretSuffixes.stream().anyMatch(name::endsWith);
    }

    /**
     * Ends the process trees of {@code roots}: SIGTERM to every process of each tree, then, until {@code grace} is
     * over, SIGTERM to any child started meanwhile; then SIGKILL to whatever is left. Every process seen is
     * remembered, so one whose parent died (and was re-parented out of the tree) is still killed.
     */
    static void killTrees(List<Process> roots, Duration grace) {
        java.util.Map<Long, ProcessHandle> seen = new java.util.LinkedHashMap<>();
        sweep(roots, seen, false);
        long deadline = System.nanoTime() + grace.toNanos();
        boolean interrupted = false;
        while (System.nanoTime() < deadline && seen.values().stream().anyMatch(ProcessHandle::isAlive)) {
            try {
                Thread.sleep(SWEEP_MS);
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
            sweep(roots, seen, false);
        }
        // SIGKILL: each tree again (children started during the grace), then every process seen that still lives.
        sweep(roots, seen, true);
        seen.values().stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        for (Process root : roots) {
            try {
                root.waitFor();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM to the processes of each tree not signalled yet, or SIGKILL ({@code kill}) to all of them; descendants
     * before their parent, so none is re-parented out of the tree unsignalled.
     */
    private static void sweep(List<Process> roots, java.util.Map<Long, ProcessHandle> seen, boolean kill) {
        for (Process root : roots) {
            List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
            tree.add(root.toHandle());
            for (ProcessHandle p : tree) {
                boolean fresh = seen.putIfAbsent(p.pid(), p) == null;
                if (kill) {
                    p.destroyForcibly();
                } else if (fresh) {
                    p.destroy();
                }
            }
        }
    }
}
