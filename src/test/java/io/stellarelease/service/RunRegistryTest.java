package io.stellarelease.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The run records: one run per tag however deliveries interleave, conflicts per release, and what is on disk. */
class RunRegistryTest {
    @TempDir
    Path state;

    private static RunRequest webhook(String tag, String version, String delivery) {
        return new RunRequest("suite", tag, version, "gitea", delivery, null, null, true, false, false);
    }

    private static RunRequest dispatch(String tag, String version) {
        return new RunRequest("suite", tag, version, "dispatch", null, null, null, true, false, true);
    }

    @Test
    void concurrentDeliveriesMakeOneRunPerTagAndTheDiskAgreesWithMemory() throws Exception {
        RunRegistry registry = new RunRegistry(state);
        int tags = 60;
        int deliveriesPerTag = 12;
        List<RunRequest> requests = new ArrayList<>();
        for (int d = 0; d < deliveriesPerTag; d++) {
            for (int t = 1; t <= tags; t++) {
                requests.add(webhook("suite-2026.04." + t, "2026.04." + t, "delivery-" + t + "-" + d));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Submission>> answers = new ArrayList<>();
        for (RunRequest request : requests) {
            answers.add(pool.submit(() -> registry.submit(request, Instant.now())));
        }
        List<Submission> submissions = new ArrayList<>();
        for (Future<Submission> answer : answers) {
            submissions.add(answer.get());
        }
        pool.shutdown();

        assertThat(submissions.stream().filter(s -> s instanceof Submission.Accepted)).hasSize(tags);
        assertThat(submissions.stream().filter(s -> s instanceof Submission.Duplicate)).hasSize(tags * (deliveriesPerTag - 1));
        List<RunRecord> runs = registry.list(null);
        assertThat(runs).hasSize(tags);
        assertThat(runs).allSatisfy(run -> assertThat(run.deliveries()).hasSize(deliveriesPerTag));
        // Every answer names the one run of its tag.
        Map<String, String> runOfTag = runs.stream().collect(Collectors.toMap(RunRecord::tag, RunRecord::id));
        assertThat(submissions).allSatisfy(s -> assertThat(s.run().id()).isEqualTo(runOfTag.get(s.run().tag())));

        // A fresh registry reads back exactly what the first one holds: every acknowledged change reached the disk.
        Map<String, RunRecord> reloaded = new RunRegistry(state).list(null).stream()
                .collect(Collectors.toMap(RunRecord::id, Function.identity()));
        assertThat(reloaded).hasSize(tags);
        runs.forEach(run -> assertThat(reloaded.get(run.id())).isEqualTo(run));
        try (var files = Files.list(state.resolve("runs"))) {
            assertThat(files.map(f -> f.getFileName().toString())).allMatch(n -> n.endsWith(".json")).hasSize(tags);
        }
    }

    @Test
    void aDeliverySeenBeforeGetsItsRunBackUnchanged() {
        RunRegistry registry = new RunRegistry(state);
        RunRecord first = registry.submit(webhook("suite-2026.04-nova", "2026.04", "d-1"), Instant.now()).run();
        Submission again = registry.submit(webhook("suite-2026.04-nova", "2026.04", "d-1"), Instant.now());
        assertThat(again).isInstanceOf(Submission.Duplicate.class);
        assertThat(again.run()).isEqualTo(first);

        // Known after a restart too: the delivery index is rebuilt from the records.
        Submission afterRestart = new RunRegistry(state).submit(webhook("suite-2026.04-nova", "2026.04", "d-1"), Instant.now());
        assertThat(afterRestart).isInstanceOf(Submission.Duplicate.class);
        assertThat(afterRestart.run().id()).isEqualTo(first.id());
    }

    @Test
    void aVersionWithAnActiveRunRefusesASecondAndAFinishedTagMayRunAgain() {
        RunRegistry registry = new RunRegistry(state);
        RunRecord nova = registry.submit(dispatch("suite-2026.04-nova", "2026.04"), Instant.now()).run();

        // Same version under another tag (same release directory): refused while the first is active.
        Submission lts = registry.submit(dispatch("suite-2026.04-nova-lts", "2026.04"), Instant.now());
        assertThat(lts).isInstanceOf(Submission.Conflict.class);
        assertThat(lts.run().id()).isEqualTo(nova.id());
        assertThat(registry.submit(dispatch("suite-2026.04-nova", "2026.04"), Instant.now()))
                .isInstanceOf(Submission.Conflict.class);
        // Another version is free.
        assertThat(registry.submit(dispatch("suite-2026.10-orion", "2026.10"), Instant.now()))
                .isInstanceOf(Submission.Accepted.class);

        registry.update(nova.id(), r -> r.withState(RunState.FAILED, Instant.now(), "exit code 1"));
        Submission rerun = registry.submit(dispatch("suite-2026.04-nova", "2026.04"), Instant.now().plusSeconds(1));
        assertThat(rerun).isInstanceOf(Submission.Accepted.class);
        assertThat(rerun.run().id()).isNotEqualTo(nova.id());
        // A webhook for the tag now gets the newest run, here and after a restart.
        assertThat(registry.submit(webhook("suite-2026.04-nova", "2026.04", "d-9"), Instant.now()).run().id())
                .isEqualTo(rerun.run().id());
        assertThat(new RunRegistry(state).submit(webhook("suite-2026.04-nova", "2026.04", "d-10"), Instant.now()).run().id())
                .isEqualTo(rerun.run().id());
    }

    @Test
    void modulesShareVersionNumbersAndRollbacksQueuePerTarget() {
        RunRegistry registry = new RunRegistry(state);
        Instant now = Instant.now();
        assertThat(registry.submit(module("module-authority-v1.2.3", "1.2.3"), now)).isInstanceOf(Submission.Accepted.class);
        // Another module at the same version writes elsewhere; the same module and version does not.
        assertThat(registry.submit(module("module-scanner-v1.2.3", "1.2.3"), now)).isInstanceOf(Submission.Accepted.class);
        assertThat(registry.submit(module("module-authority-v1.2.3", "1.2.3"), now)).isInstanceOf(Submission.Conflict.class);
        // A suite of the same digits is another release.
        assertThat(registry.submit(dispatch("suite-2026.04-nova", "2026.04"), now)).isInstanceOf(Submission.Accepted.class);

        RunRecord authority = registry.submit(rollback("rollback-module-authority-v1.1.0", "1.1.0"), now).run();
        Submission sameModule = registry.submit(rollback("rollback-module-authority-v1.0.0", "1.0.0"), now);
        assertThat(sameModule).isInstanceOf(Submission.Conflict.class);
        assertThat(sameModule.run().id()).isEqualTo(authority.id());
        assertThat(registry.submit(rollback("rollback-module-scanner-v1.0.0", "1.0.0"), now)).isInstanceOf(Submission.Accepted.class);
        RunRecord suite = registry.submit(rollback("rollback-suite-v2025.10", "2025.10"), now).run();
        assertThat(registry.submit(rollback("rollback-helm-r3", "3"), now)).isInstanceOf(Submission.Conflict.class);

        // Once a rollback ends, its target is free again.
        registry.update(suite.id(), r -> r.withState(RunState.SUCCEEDED, Instant.now(), null));
        assertThat(registry.submit(rollback("rollback-helm-r3", "3"), now)).isInstanceOf(Submission.Accepted.class);
    }

    private static RunRequest module(String tag, String version) {
        return new RunRequest("module", tag, version, "dispatch", null, null, null, true, false, true);
    }

    private static RunRequest rollback(String tag, String version) {
        return new RunRequest("rollback", tag, version, "dispatch", null, null, null, true, false, true);
    }

    @Test
    void concurrentUpdatesOfOneRunLeaveItsNewestRecordOnDisk() throws Exception {
        RunRegistry registry = new RunRegistry(state);
        RunRecord run = registry.submit(dispatch("suite-2026.04-nova", "2026.04"), Instant.now()).run();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String delivery = "d-" + i;
            done.add(pool.submit(() -> registry.update(run.id(), r -> r.withDelivery(delivery))));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        RunRecord inMemory = registry.get(run.id()).orElseThrow();
        assertThat(inMemory.deliveries()).hasSize(300);
        assertThat(new RunRegistry(state).get(run.id())).contains(inMemory);
    }

    @Test
    void aRunWhoseRecordCannotBeWrittenIsNotAcknowledgedNorRemembered() throws Exception {
        RunRegistry registry = new RunRegistry(state);
        Path runs = registry.runsDir();
        Files.createDirectories(runs);
        assertThat(runs.toFile().setWritable(false)).isTrue();
        try {
            if (Files.isWritable(runs)) {
                // root ignores directory permissions: make the directory a file instead.
                runs.toFile().setWritable(true);
                Files.delete(runs);
                Files.writeString(runs, "not a directory");
            }
            assertThatThrownBy(() -> registry.submit(dispatch("suite-2026.04-nova", "2026.04"), Instant.now()))
                    .hasMessageContaining("could not record run").hasMessageContaining(runs.toString());
            assertThat(registry.list(null)).isEmpty();
        } finally {
            runs.toFile().setWritable(true);
        }
        Files.deleteIfExists(runs);
        Submission retry = registry.submit(dispatch("suite-2026.04-nova", "2026.04"), Instant.now());
        assertThat(retry).isInstanceOf(Submission.Accepted.class);
    }
}
