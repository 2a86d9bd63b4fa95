package io.stellarelease.service;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The scheduling priority of the work of runs under {@code serve} ({@code stella.runs.nice}): the threads that execute
 * runs (and build steps) lower their own priority to that nice value the first time they work for a run, so the
 * commands they start inherit it. The intake (HTTP threads) keeps the normal priority: when runs and requests compete
 * for the CPUs, acknowledging a webhook goes first; when nothing else wants the CPUs, runs get all of them as before.
 * Linux only (a thread's own nice value through {@code /proc/thread-self} and {@code renice}); elsewhere, or with 0,
 * nothing changes. A thread's priority can only be lowered, never raised again, so only run threads do this.
 */
public final class RunPriority {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunPriority.class);
    private static volatile int nice;
    private static final ThreadLocal<Boolean> APPLIED = ThreadLocal.withInitial(() -> false);

    private RunPriority() {
    }

    /** The nice value of run threads from now on (0: unchanged; at most 19). */
    public static void configure(int value) {
        if (value < 0 || value > 19) {
            throw new IllegalArgumentException("stella.runs.nice must be between 0 and 19: got " + value);
        }
        nice = value;
    }

    /** Lowers the calling thread's priority to the configured nice value, once per thread. */
    public static void applyToThisThread() {
        int value = nice;
        if (value == 0 || APPLIED.get()) {
            return;
        }
        APPLIED.set(true);
        Path self = Path.of("/proc/thread-self");
        if (!Files.exists(self)) {
            return;
        }
        try {
            String tid = Files.readSymbolicLink(self).getFileName().toString();
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(value), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(5, TimeUnit.SECONDS) || renice.exitValue() != 0) {
                renice.destroyForcibly();
                LOG.debug("renice of run thread {} did not succeed", tid);
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.debug("could not lower the priority of run thread {}: {}", Thread.currentThread().getName(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code pool} whose tasks run at the run threads' priority. */
    public static ExecutorService lowered(ExecutorService pool) {
        return new AbstractExecutorService() {
            @Override
            public void execute(Runnable task) {
                pool.execute(() -> {
                    applyToThisThread();
                    task.run();
                });
            }

            @Override
            public void shutdown() {
                pool.shutdown();
            }

            @Override
            public java.util.List<Runnable> shutdownNow() {
                return pool.shutdownNow();
            }

            @Override
            public boolean isShutdown() {
                return pool.isShutdown();
            }

            @Override
            public boolean isTerminated() {
                return pool.isTerminated();
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                return pool.awaitTermination(timeout, unit);
            }
        };
    }
}
