package io.stellarelease.exec;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In exec mode rabbitmq only build steps leave the conductor: the commands of other stages (database backups with
 * PGPASSWORD, rollbacks) and any step whose environment holds a secret run here, and never reach the broker (here
 * there is none: the connection factory fails the test if asked).
 */
class RemoteStepExecutorTest {

    @Test
    void stepsOfOtherStagesAndStepsWithSecretsRunHere(@TempDir Path tmp) throws Exception {
        ProcessTreeExecutor local = new ProcessTreeExecutor(List.of("_PASSWORD", "_TOKEN"));
        RemoteStepExecutor remote = new RemoteStepExecutor(new DefaultCamelContext(),
                () -> { throw new AssertionError("a step was sent to RabbitMQ"); },
                new StepQueues("stella.steps.unused", 3), null, local, SimpleMeterRegistry::new,
                List.of("test-gate", "build-modules", "build-cli"));

        JobExecResult backup = run(remote, tmp, "backup-database", Map.of("PGPASSWORD", "s3cret"));
        JobExecResult withSecret = run(remote, tmp, "build-modules", Map.of("NUGET_API_TOKEN", "s3cret"));
        JobExecResult pgPassword = run(remote, tmp, "build-cli", Map.of("PGPASSWORD", "s3cret"));
        JobExecResult rollback = run(remote, tmp, "rollback", Map.of());

        for (JobExecResult r : List.of(backup, withSecret, pgPassword, rollback)) {
            assertThat(r.getExitValue()).isZero();
            assertThat(r.worker()).as("ran on a worker").isNull();
        }
        assertThat(tmp.resolve("logs/backup-database/step.log")).content().contains("ran here");
    }

    private static JobExecResult run(RemoteStepExecutor remote, Path tmp, String stage, Map<String, String> env) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("work").resolve(stage));
        ExecJob job = new ExecJob(stage, "step", List.of("sh", "-c", "echo ran here"), tmp, env, Duration.ofSeconds(30),
                tmp.resolve("logs").resolve(stage).resolve("step.log"), out);
        return (JobExecResult) remote.execute(new JobExecCommand(job));
    }
}
