package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StepResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A release whose build steps run on two build worker processes: the same outputs as a release that runs them itself,
 * and a worker killed with SIGKILL in the middle of a build leaves that build to the other worker.
 */
class BuildWorkersTest extends BuildWorkerTestSupport {

    @Override
    protected void configure(ObjectNode config) {
        config.put("parallelism", 4);
        // Authority's build takes a few seconds: long enough to kill its worker in the middle of it.
        for (var item : config.get("modules").get("items")) {
            if (item.get("name").asText().equals("Authority")) {
                ((ObjectNode) item).putArray("command").add("env").add("STELLA_EXAMPLE_SLEEP=6").add("bash").add("build/build-module.sh");
            }
        }
    }

    @Test
    void twoWorkersBuildTheSameReleaseAsLocalExec() throws Exception {
        startWorker("w1");
        // w2 builds a checkout of the run's commit it makes itself, as a worker that cannot see the workspace does.
        startWorker("w2", "--checkout");
        awaitReady("w1");
        awaitReady("w2");

        ReleaseRun run = releaseWithin(300, "suite-2026.04-nova", false, true);

        assertThat(run.isSucceeded()).as("release failed: " + run.getFailure() + "\n" + workerLog("w1") + workerLog("w2")).isTrue();
        List<StepResult> steps = new ArrayList<>();
        for (String stage : List.of("test-gate", "build-modules", "build-cli")) {
            steps.addAll(run.stage(stage).orElseThrow().getSteps());
        }
        assertThat(steps).hasSize(3 + 9 + 5).allSatisfy(s -> {
            assertThat(s.details().get("worker")).isIn("w1", "w2");
            assertThat(out.resolve("2026.04").resolve(s.log())).content().contains("# ran on build worker " + s.details().get("worker"));
        });
        Set<String> used = steps.stream().map(s -> s.details().get("worker")).collect(Collectors.toSet());
        assertThat(used).as("workers that ran steps").containsExactlyInAnyOrder("w1", "w2");
        Path release = out.resolve("2026.04");
        assertThat(Fixtures.run(release, "sha256sum", "--strict", "-c", "SHA256SUMS-2026.04.txt")).doesNotContain("FAILED");

        // The same release with local exec, in its own process: every artifact has the same bytes (the manifest
        // differs only by releasedAt).
        Path localOut = tmp.resolve("local-out");
        Path localProperties = Files.writeString(tmp.resolve("local.properties"),
                Files.readString(Fixtures.REPO_ROOT.resolve("config/application.properties"))
                        + "\nstella.state-dir = " + tmp.resolve("local-state") + "\n");
        Process local = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.stellarelease.cli.StellaRelease", "release",
                "suite-2026.04-nova", "--dry-run", "--workspace", workspace.toString(), "--out", localOut.toString(),
                "--config", tmp.resolve("release.yaml").toString(), "--properties", localProperties.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("local.log").toFile()).start();
        assertThat(local.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(local.exitValue()).as(Files.readString(tmp.resolve("local.log"))).isZero();
        assertThat(checksumsWithoutManifest(release)).isNotEmpty()
                .isEqualTo(checksumsWithoutManifest(localOut.resolve("2026.04")));
        assertThat(workerLog("w2")).contains("checked out ");

        // Per worker: steps finished by outcome, none in flight now; the queue is empty.
        MeterRegistry meters = context.getRegistry().lookupByNameAndType("releaseMetrics", ReleaseMetrics.class).registry();
        double finished = 0;
        for (String w : List.of("w1", "w2")) {
            Counter done = meters.find("stella.worker.steps").tag("worker", w).tag("outcome", "done").counter();
            assertThat(done).as("steps done by " + w).isNotNull();
            finished += done.count();
            assertThat(meters.get("stella.worker.steps.in.flight").tag("worker", w).gauge().value()).isZero();
        }
        assertThat(finished).isEqualTo(17);
        assertThat(meters.get("stella.exec.queue.depth").tag("queue", queue()).gauge().value()).isZero();
    }

    @Test
    void healthSaysWhenNoWorkerConsumesTheSteps() throws Exception {
        var registry = org.apache.camel.health.HealthCheckRegistry.get(context);
        var check = registry.getCheck("stella-build-workers").orElseThrow();
        var before = check.call();
        assertThat(before.getState()).isEqualTo(org.apache.camel.health.HealthCheck.State.DOWN);
        assertThat(before.getMessage()).hasValue("no build worker consumes queue " + queue()
                + " (0 steps waiting): start one with stella-release worker");

        startWorker("w1");
        awaitReady("w1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (check.call().getState() != org.apache.camel.health.HealthCheck.State.UP) {
            assertThat(System.nanoTime()).as("the check still says: " + check.call().getMessage()).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @Test
    void aWorkerKilledMidStepLeavesTheStepToTheOther() throws Exception {
        startWorker("w1");
        startWorker("w2");
        CompletableFuture<ReleaseRun> release = CompletableFuture.supplyAsync(() -> release("suite-2026.04-nova", true, true));

        Optional<ProcessHandle> build = Optional.of(authorityBuild());
        long workerPid = build.get().parent().orElseThrow().pid();
        String victim = workers.entrySet().stream().filter(e -> e.getValue().pid() == workerPid).map(java.util.Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("the build's parent is not one of the workers"));
        String survivor = victim.equals("w1") ? "w2" : "w1";
        Thread.sleep(1000); // in the middle of its build
        Fixtures.run(tmp, "kill", "-9", Long.toString(workerPid));

        ReleaseRun run = release.get(300, TimeUnit.SECONDS);

        assertThat(run.isSucceeded()).as("release failed: " + run.getFailure()).isTrue();
        StepResult authority = run.stage("build-modules").orElseThrow().getSteps().stream()
                .filter(s -> s.name().equals("Authority")).findFirst().orElseThrow();
        assertThat(authority.details()).containsEntry("worker", survivor).containsEntry("deliveries", "2");
        assertThat(out.resolve("2026.04/logs/build-modules/Authority.log")).content()
                .contains("done: StellaOps.Authority 1.4.0").contains("# ran on build worker " + survivor + " (delivery 2)");
        assertThat(out.resolve("2026.04/nuget/StellaOps.Authority.1.4.0.nupkg")).exists();
        // The dead worker's build (its shell and sleep) did not outlive it: the next worker killed what it left.
        assertThat(build.get().isAlive()).as("the killed worker's build process").isFalse();
        assertThat(workerLog(survivor)).contains("build-modules/Authority: started (delivery 2)");
        assertThat(Fixtures.run(out.resolve("2026.04"), "sha256sum", "--strict", "-c", "SHA256SUMS-2026.04.txt")).doesNotContain("FAILED");
    }

    @Test
    void aWorkerStoppedMidStepHandsItBack() throws Exception {
        startWorker("w1");
        startWorker("w2");
        CompletableFuture<ReleaseRun> release = CompletableFuture.supplyAsync(() -> release("suite-2026.04-nova", true, true));
        ProcessHandle build = authorityBuild();
        long workerPid = build.parent().orElseThrow().pid();
        String stopped = workers.entrySet().stream().filter(e -> e.getValue().pid() == workerPid).map(java.util.Map.Entry::getKey)
                .findFirst().orElseThrow();
        String other = stopped.equals("w1") ? "w2" : "w1";
        Thread.sleep(1000);
        Fixtures.run(tmp, "kill", "-TERM", Long.toString(workerPid));

        // SIGTERM: the build's process tree is ended, the step goes back to the queue, the worker exits.
        assertThat(workers.get(stopped).waitFor(60, TimeUnit.SECONDS)).as("the stopped worker exited").isTrue();
        assertThat(build.isAlive()).isFalse();
        ReleaseRun run = release.get(300, TimeUnit.SECONDS);
        assertThat(run.isSucceeded()).as("release failed: " + run.getFailure()).isTrue();
        StepResult authority = run.stage("build-modules").orElseThrow().getSteps().stream()
                .filter(s -> s.name().equals("Authority")).findFirst().orElseThrow();
        assertThat(authority.details()).containsEntry("worker", other).containsEntry("deliveries", "2");
        assertThat(workerLog(stopped)).contains("worker stopping, step handed back");
    }

    /** Authority's build once it has started on a worker: its pid file is there, and that process's parent is the worker. */
    private ProcessHandle authorityBuild() throws Exception {
        Path pidFile = out.resolve("2026.04/logs/build-modules/Authority.log.pid");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile)) {
                String[] parts = Files.readString(pidFile).strip().split(" ");
                if (parts.length > 1) {
                    Optional<ProcessHandle> build = ProcessHandle.of(Long.parseLong(parts[0]));
                    if (build.isPresent()) {
                        return build.get();
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Authority's build did not start on a worker");
    }

    private static List<String> checksumsWithoutManifest(Path release) throws Exception {
        return Files.readAllLines(release.resolve("SHA256SUMS-2026.04.txt")).stream()
                .filter(l -> !l.endsWith(" suite-2026.04.yaml")).toList();
    }
}
