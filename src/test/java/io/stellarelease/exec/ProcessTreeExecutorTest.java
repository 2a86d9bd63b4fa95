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
    void aMissingCommandIsAFailedStepWithItsReason() throws Exception {
        var executor = new ProcessTreeExecutor(List.of());
        var result = executor.execute(new JobExecCommand(job(List.of("no-such-command-here"), Map.of(), Duration.ofSeconds(5))));

        assertThat(result.getExitValue()).isEqualTo(127);
        assertThat(Files.readString(dir.resolve("logs/step.log"))).contains("could not start");
    }
}
