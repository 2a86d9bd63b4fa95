package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A build whose command kills the worker running it (SIGKILL to its parent, the worker's JVM): every delivery of it
 * kills a worker. Workers are restarted as a service manager would; after max-deliveries (2) the broker dead-letters
 * the step and the run fails with that reason, while the other modules are built by the restarted workers.
 */
class PoisonStepTest extends BuildWorkerTestSupport {

    @Override
    protected int maxDeliveries() {
        return 2;
    }

    @Override
    protected void configure(ObjectNode config) {
        for (var item : config.get("modules").get("items")) {
            if (item.get("name").asText().equals("Policy")) {
                ((ObjectNode) item).putArray("command").add("bash").add("-c").add("kill -9 $PPID");
            }
        }
    }

    @Test
    void aStepThatKillsEveryWorkerFailsTheRunAfterMaxDeliveries() throws Exception {
        startWorker("w1");
        startWorker("w2");
        AtomicInteger restarts = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread supervisor = new Thread(() -> {
            while (running.get()) {
                for (var e : workers.entrySet()) {
                    if (!e.getValue().isAlive() && running.get()) {
                        restarts.incrementAndGet();
                        startWorker(e.getKey());
                    }
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ex) {
                    return;
                }
            }
        }, "worker-supervisor");
        supervisor.start();
        ReleaseRun run;
        try {
            run = CompletableFuture.supplyAsync(() -> release("suite-2026.04-nova", true, true)).get(300, TimeUnit.SECONDS);
        } finally {
            running.set(false);
            supervisor.join();
        }

        assertThat(run.isSucceeded()).isFalse();
        StageRecord modules = run.stage("build-modules").orElseThrow();
        assertThat(modules.getStatus()).isEqualTo(Status.FAILED);
        StepResult policy = modules.getSteps().stream().filter(s -> s.name().equals("Policy")).findFirst().orElseThrow();
        assertThat(policy.status()).isEqualTo(Status.FAILED);
        assertThat(policy.message()).contains("its build worker died before finishing it, 2 time(s)")
                .contains("stella.exec.remote.max-deliveries = 2");
        assertThat(modules.getReason()).contains("Policy (its build worker died before finishing it, 2 time(s)");
        assertThat(run.getFailure()).contains("build-modules");
        // Workers killed: those restarted, and those dead now (the last death may come after the supervisor's last look).
        int deadNow = 0;
        for (Process p : workers.values()) {
            if (p.waitFor(2, TimeUnit.SECONDS)) {
                deadNow++;
            }
        }
        assertThat(restarts.get() + deadNow).as("workers the step killed").isEqualTo(2);
        // Every other module was built, by the workers that were started again.
        assertThat(modules.getSteps()).filteredOn(s -> !s.name().equals("Policy")).hasSize(8)
                .allSatisfy(s -> assertThat(s.status()).isEqualTo(Status.DONE));
        assertThat(out.resolve("2026.04/logs/build-modules/Policy.log")).content().contains("given up after stella.exec.remote.max-deliveries = 2");
        assertThat(Files.readString(out.resolve("2026.04/summary.md"))).contains("its build worker died before finishing it");
    }
}
