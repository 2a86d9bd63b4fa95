package io.stellarelease.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessTreeExecutorTest {
    @TempDir
    Path dir;

    private ExecJob job(List<String> command, Map<String, String> env, Duration timeout) {
        return new ExecJob("stage", "step", command, dir, env, timeout, dir.resolve("logs/step.log"), dir);
    }

    @Test
    void valuesArriveAsEnvironmentVariablesNeverAsShellText() throws Exception {
        // A value that would do damage if it were ever spliced into a shell command line.
        String hostile = "x; touch " + dir.resolve("pwned") + " $(id)";
        var executor = new ProcessTreeExecutor(List.of());
        var result = (JobExecResult) executor.execute(new JobExecCommand(job(
                List.of("sh", "-c", "printf '%s' \"$VERSION\""), Map.of("VERSION", hostile), Duration.ofSeconds(30))));

        assertThat(result.getExitValue()).isZero();
        assertThat(Files.readString(dir.resolve("logs/step.log"))).endsWith(hostile);
        assertThat(dir.resolve("pwned")).doesNotExist();
        // What camel-exec logs of the command (a failed one at ERROR): the step and its configured words, no value.
        assertThat(result.getCommand()).hasToString("stage/step [sh, -c, printf '%s' \"$VERSION\"]");
    }

    @Test
    void conductorSecretsAreNotPassedToCommands() throws Exception {
        var executor = new ProcessTreeExecutor(List.of("HOME"));
        executor.execute(new JobExecCommand(job(List.of("env"), Map.of("MODULE", "Authority"), Duration.ofSeconds(30))));

        String log = Files.readString(dir.resolve("logs/step.log"));
        assertThat(log).contains("MODULE=Authority").contains("PATH=").doesNotContainPattern("(?m)^HOME=");
    }

    @Test
    void stdoutAndStderrStreamIntoTheLogAsProduced() throws Exception {
        var executor = new ProcessTreeExecutor(List.of());
        var result = executor.execute(new JobExecCommand(job(List.of("sh", "-c", "echo out; echo err >&2; exit 7"),
                Map.of(), Duration.ofSeconds(30))));

        assertThat(result.getExitValue()).isEqualTo(7);
        assertThat(Files.readString(dir.resolve("logs/step.log"))).contains("out\n").contains("err\n");
    }

    @Test
    void everyLogStartsWithItsHeaderWhetherItsDirectoryExistedOrNot() throws Exception {
        var executor = new ProcessTreeExecutor(List.of());
        // The first step makes logs/, the second finds it, the third runs the first again: its log starts over.
        executor.execute(new JobExecCommand(job(List.of("echo", "one"), Map.of(), Duration.ofSeconds(30))));
        executor.execute(new JobExecCommand(new ExecJob("stage", "other", List.of("echo", "two"), dir, Map.of(),
                Duration.ofSeconds(30), dir.resolve("logs/other.log"), dir)));
        executor.execute(new JobExecCommand(job(List.of("echo", "again"), Map.of(), Duration.ofSeconds(30))));

        assertThat(Files.readString(dir.resolve("logs/other.log")))
                .matches("# stage/other: echo two\n# in " + java.util.regex.Pattern.quote(dir.toString()) + ", started \\S+\ntwo\n");
        assertThat(Files.readString(dir.resolve("logs/step.log")))
                .matches("# stage/step: echo again\n# in " + java.util.regex.Pattern.quote(dir.toString()) + ", started \\S+\nagain\n");
        assertThat(dir.resolve("logs/step.log.pid")).doesNotExist();
    }

    @Test
    void orphansAreKilledFromTheirPidFilesOnlyWhileTheirStartTimeMatchesAndAnEmptyOrTornPidFileIsSkipped() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs/build-modules"));
        Process orphan = new ProcessBuilder("sleep", "60").start();
        Process stranger = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(logs.resolve("Authority.log.pid"), orphan.pid() + " "
                    + orphan.info().startInstant().orElseThrow() + "\n");
            // A recycled pid: the process there started at another time, so it is someone else's.
            Files.writeString(logs.resolve("Scanner.log.pid"), stranger.pid() + " 2001-01-01T00:00:00Z\n");
            // Empty: written just before a power cut (the JVM had not yet written its content to disk). Once this
            // stopped the clean-up of every pid file after it.
            Files.writeString(logs.resolve("Notify.log.pid"), "");
            Files.writeString(logs.resolve("Cli.log.pid"), "\u0000\u0000\u0000"); // torn the same way

            assertThat(ProcessTreeExecutor.killOrphans(dir.resolve("logs"))).isEqualTo(1);

            assertThat(orphan.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(stranger.isAlive()).isTrue();
            try (var left = Files.list(logs)) {
                assertThat(left).isEmpty();
            }
        } finally {
            orphan.destroyForcibly();
            stranger.destroyForcibly();
        }
    }

    @Test
    void commandsStartWithOneExecWhereTheJdkAllowsItAndTheUserHasTheLastWord() {
        assertThat(ProcessTreeExecutor.launchMechanism("Linux", 17, null)).isEqualTo("VFORK");
        assertThat(ProcessTreeExecutor.launchMechanism("Linux", 21, null)).isEqualTo("VFORK");
        // Java 25 deprecated VFORK (a warning on stderr), 26 removed it: the JDK's default stays.
        assertThat(ProcessTreeExecutor.launchMechanism("Linux", 25, null)).isNull();
        assertThat(ProcessTreeExecutor.launchMechanism("Mac OS X", 17, null)).isNull();
        assertThat(ProcessTreeExecutor.launchMechanism("Linux", 17, "POSIX_SPAWN")).isNull();
    }

    @Test
    void aMissingCommandIsAFailedStepWithItsReason() throws Exception {
        var executor = new ProcessTreeExecutor(List.of());
        var result = executor.execute(new JobExecCommand(job(List.of("no-such-command-here"), Map.of(), Duration.ofSeconds(5))));

        assertThat(result.getExitValue()).isEqualTo(127);
        assertThat(Files.readString(dir.resolve("logs/step.log"))).contains("could not start");
    }

    @Test
    void aStopEndsEveryRunningTreeThenNoCommandStarts() throws Exception {
        var executor = new ProcessTreeExecutor(List.of(), Duration.ofMillis(500));
        Path pids = dir.resolve("pids");
        // A build whose shell and children ignore SIGTERM (only the SIGKILL after the grace ends them), with a grandchild.
        String build = "trap '' TERM; echo $$ >> \"$PIDS\"; (sleep 300 & echo $! >> \"$PIDS\"; wait) & sleep 300 & echo $! >> \"$PIDS\"; wait";
        var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            var running = pool.submit(() -> (JobExecResult) executor.execute(new JobExecCommand(
                    job(List.of("bash", "-c", build), Map.of("PIDS", pids.toString()), Duration.ofMinutes(5)))));
            List<Long> tree = awaitPids(pids, 3);

            assertThat(executor.stop()).isEqualTo(1);

            JobExecResult result = running.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(result.stopped()).isTrue();
            assertThat(stillRunning(tree)).as("processes of the build still running after the stop").isEmpty();
            assertThat(Files.readString(dir.resolve("logs/step.log"))).contains("# stopped: stella-release is stopping");
        } finally {
            pool.shutdownNow();
        }

        Path marker = dir.resolve("started-after-stop");
        var refused = (JobExecResult) executor.execute(new JobExecCommand(
                job(List.of("touch", marker.toString()), Map.of(), Duration.ofSeconds(30))));
        assertThat(refused.stopped()).isTrue();
        assertThat(refused.getExitValue()).isEqualTo(ProcessTreeExecutor.STOPPED_EXIT);
        assertThat(marker).doesNotExist();
        assertThat(Files.readString(dir.resolve("logs/step.log"))).contains("not started: stella-release is stopping");
    }

    private static List<Long> awaitPids(Path file, int count) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (Files.exists(file)) {
                List<Long> pids = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(Long::parseLong).toList();
                if (pids.size() >= count) {
                    return pids;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the build did not write " + count + " pids to " + file);
    }

    /** Those of {@code pids} still running after a short while (a signal takes a moment to land). */
    static List<Long> stillRunning(List<Long> pids) throws InterruptedException {
        List<Long> left = pids;
        for (int i = 0; i < 20 && !left.isEmpty(); i++) {
            left = left.stream().filter(ProcessTreeExecutorTest::running).toList();
            Thread.sleep(100);
        }
        return left;
    }

    /** Alive and not a zombie: an orphan killed here may wait for the machine's init to reap it, which is dead enough. */
    static boolean running(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
            } catch (java.io.IOException e) {
                return false;
            }
        }
        return false;
    }
}
