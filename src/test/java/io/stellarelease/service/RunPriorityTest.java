package io.stellarelease.service;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** stella.runs.nice: the threads that execute runs, and the commands they start, yield to the intake (Linux). */
class RunPriorityTest {
    @AfterEach
    void reset() {
        RunPriority.configure(0);
    }

    /** The nice value of the calling thread (field 19 of its stat, after the command name in parentheses). */
    private static int niceOfThisThread() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    private static int niceOfAChild() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "cat /proc/self/stat").start();
        String stat = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
    }

    @Test
    void runThreadsAndTheCommandsTheyStartGetTheConfiguredNiceValueAndOtherThreadsKeepTheirs() throws Exception {
        assumeThat(Path.of("/proc/thread-self")).exists();
        int before = niceOfThisThread();
        assumeThat(before).isZero();
        RunPriority.configure(10);
        ExecutorService pool = RunPriority.lowered(Executors.newSingleThreadExecutor());
        AtomicReference<int[]> seen = new AtomicReference<>();
        pool.submit(() -> {
            seen.set(new int[] {niceOfThisThread(), niceOfAChild()});
            return null;
        }).get();
        pool.shutdown();
        assertThat(seen.get()).containsExactly(10, 10);
        // The thread that configured it (the intake's, here) is unchanged.
        assertThat(niceOfThisThread()).isZero();
        assertThat(niceOfAChild()).isZero();

        // 0: nothing changes.
        RunPriority.configure(0);
        ExecutorService plain = RunPriority.lowered(Executors.newSingleThreadExecutor());
        assertThat(plain.submit(RunPriorityTest::niceOfThisThread).get()).isZero();
        plain.shutdown();
    }
}
