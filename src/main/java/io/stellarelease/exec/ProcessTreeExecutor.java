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

/**
 * Runs camel-exec commands with {@link ProcessBuilder}: the job's environment on top of the conductor's
 * (minus its secrets), output redirected by the OS straight into the log file (no pump threads, nothing
 * buffered in memory), and on timeout the whole process tree is killed, not just the direct child.
 */
public class ProcessTreeExecutor implements ExecCommandExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTreeExecutor.class);
    private static final long KILL_GRACE_MS = 2_000;

    private final List<String> secretSuffixes;
    private final java.util.Set<Process> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** @param secretSuffixes names of the conductor's environment variables ending in one of these are not passed on */
    public ProcessTreeExecutor(List<String> secretSuffixes) {
        this.secretSuffixes = List.copyOf(secretSuffixes);
    }

    @Override
    public ExecResult execute(ExecCommand command) throws ExecException, IOException {
        if (!(command instanceof JobExecCommand jobCommand)) {
            throw new ExecException("stella-release runs only configured jobs; bind exec endpoints with #execJobBinding",
                    null, null, -1);
        }
        ExecJob job = jobCommand.job();
        Files.createDirectories(job.log().getParent());
        Files.writeString(job.log(), "# " + job.stage() + "/" + job.name() + ": " + String.join(" ", job.command())
                + "\n# in " + job.workingDir() + ", started " + Instant.now() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);

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
        try {
            process = builder.start();
        } catch (IOException e) {
            // Command not found or not executable: report it as the step's failure, with the reason in its log.
            Files.writeString(job.log(), "# could not start: " + e.getMessage() + "\n", StandardOpenOption.APPEND);
            return new JobExecResult(command, 127, false, started, Instant.now());
        }
        // Where the process is, for as long as it runs: if the conductor dies, the next start kills what it left.
        running.add(process);
        Path pidFile = pidFile(job.log());
        Files.writeString(pidFile, process.pid() + " " + process.info().startInstant().map(Instant::toString).orElse("") + "\n");
        boolean timedOut = false;
        try {
            if (!process.waitFor(job.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                LOG.warn("{}/{} ran past its timeout of {}: killing its process tree", job.stage(), job.name(), job.timeout());
                killTree(process);
            }
        } catch (InterruptedException e) {
            killTree(process);
            running.remove(process);
            Thread.currentThread().interrupt();
            throw new ExecException("interrupted while running " + job, null, null, -1, e);
        }
        running.remove(process);
        Files.deleteIfExists(pidFile);
        Instant finished = Instant.now();
        int exit = process.exitValue();
        if (timedOut) {
            Files.writeString(job.log(), "\n# killed after the timeout of " + job.timeout() + "\n", StandardOpenOption.APPEND);
        }
        return new JobExecResult(command, exit, timedOut, started, finished);
    }

    /** Kills every command running now, with its children: the service is stopping and their runs will resume. */
    public int killAll() {
        List<Process> all = List.copyOf(running);
        all.forEach(ProcessTreeExecutor::killTree);
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
                String[] parts = Files.readString(pid).strip().split(" ");
                Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(parts[0]));
                if (handle.isPresent() && parts.length > 1
                        && handle.get().info().startInstant().map(Instant::toString).orElse("").equals(parts[1])) {
                    handle.get().descendants().forEach(ProcessHandle::destroyForcibly);
                    handle.get().destroyForcibly();
                    killed++;
                }
                Files.deleteIfExists(pid);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not clean up processes left in {}: {}", logsDir, e.getMessage());
        }
        return killed;
    }

    private boolean isSecret(String name) {
        return secretSuffixes.stream().anyMatch(name::endsWith);
    }

    /** Kills descendants first so none is re-parented and left running, then the process itself. */
    static void killTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        boolean interrupted = false;
        try {
            if (!process.waitFor(KILL_GRACE_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            process.destroyForcibly();
        }
        for (ProcessHandle child : tree) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        } else {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
