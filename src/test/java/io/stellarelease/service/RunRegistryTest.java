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

    /** A pushed tag: always a real release. */
    private static RunRequest webhook(String tag, String version, String delivery) {
        return new RunRequest("suite", tag, version, "gitea", delivery, null, null, false, false, false);
    }

    /** A dry-run dispatch. */
    private static RunRequest dispatch(String tag, String version) {
        return new RunRequest("suite", tag, version, "dispatch", null, null, null, true, false, true);
    }

    private static RunRequest realDispatch(String tag, String version) {
        return new RunRequest("suite", tag, version, "dispatch", null, null, null, false, false, true);
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
        // New runs are in the journal (group-committed) until they start; nothing else is left (no temporary files).
        try (var files = Files.list(state.resolve("runs"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .allMatch(n -> n.endsWith(".json") || n.matches("journal-\\d+\\.log"));
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
        // The same for real runs: a dispatch after a failed run is a new run, and a pushed tag gets it.
        RunRecord real = registry.submit(realDispatch("suite-2026.04-nova", "2026.04"), Instant.now()).run();
        registry.update(real.id(), r -> r.withState(RunState.FAILED, Instant.now(), "exit code 1"));
        rerun = registry.submit(realDispatch("suite-2026.04-nova", "2026.04"), Instant.now().plusSeconds(1));
        assertThat(rerun).isInstanceOf(Submission.Accepted.class);
        assertThat(rerun.run().id()).isNotEqualTo(real.id());
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

    @Test
    void aDryRunNeverStandsInForTheRealReleaseOfItsTag() {
        RunRegistry registry = new RunRegistry(state);
        RunRecord dry = registry.submit(dispatch("suite-2026.10-orion", "2026.10"), Instant.now()).run();

        // The tag is pushed while the dry run is active: a real run of its own (it waits for the dry run to end).
        Submission pushed = registry.submit(webhook("suite-2026.10-orion", "2026.10", "d-1"), Instant.now());
        assertThat(pushed).isInstanceOf(Submission.Accepted.class);
        RunRecord real = pushed.run();
        assertThat(real.id()).isNotEqualTo(dry.id());
        assertThat(real.dryRun()).isFalse();
        // Gitea's push event for the same tag: the real run, not the dry one.
        assertThat(registry.submit(webhook("suite-2026.10-orion", "2026.10", "d-2"), Instant.now()))
                .isInstanceOf(Submission.Duplicate.class).extracting(Submission::run).extracting(RunRecord::id).isEqualTo(real.id());
        // Each lane refuses a second active run of the release; the other lane's run does not count.
        assertThat(registry.submit(dispatch("suite-2026.10-orion", "2026.10"), Instant.now()))
                .isInstanceOf(Submission.Conflict.class).extracting(Submission::run).extracting(RunRecord::id).isEqualTo(dry.id());
        assertThat(registry.submit(realDispatch("suite-2026.10-orion-lts", "2026.10"), Instant.now()))
                .isInstanceOf(Submission.Conflict.class).extracting(Submission::run).extracting(RunRecord::id).isEqualTo(real.id());

        // A real run first, then a dry run of the version: the dry run is queued too, and a redelivery still finds the real one.
        RunRecord novaReal = registry.submit(webhook("suite-2026.04-nova", "2026.04", "n-1"), Instant.now()).run();
        registry.update(novaReal.id(), r -> r.withState(RunState.SUCCEEDED, Instant.now(), null));
        assertThat(registry.submit(dispatch("suite-2026.04-nova", "2026.04"), Instant.now().plusSeconds(1)))
                .isInstanceOf(Submission.Accepted.class);
        assertThat(registry.submit(webhook("suite-2026.04-nova", "2026.04", "n-2"), Instant.now()).run().id()).isEqualTo(novaReal.id());

        // After a restart the lanes are rebuilt from the records.
        RunRegistry restarted = new RunRegistry(state);
        Submission again = restarted.submit(webhook("suite-2026.10-orion", "2026.10", "d-3"), Instant.now());
        assertThat(again).isInstanceOf(Submission.Duplicate.class);
        assertThat(again.run().id()).isEqualTo(real.id());
        assertThat(restarted.submit(webhook("suite-2026.10-orion", "2026.10", "d-1"), Instant.now()).run().id()).isEqualTo(real.id());
    }

    @Test
    void aNewDeliveryForATagWhoseRunFailedStartsANewAttemptOfThatRun() {
        RunRegistry registry = new RunRegistry(state);
        RunRecord run = registry.submit(webhook("suite-2026.04-nova", "2026.04", "d-1"), Instant.now()).run();
        registry.update(run.id(), r -> r.withState(RunState.RUNNING, Instant.now(), null));
        registry.update(run.id(), r -> r.withState(RunState.FAILED, Instant.now(), "build of Signer failed"));

        // The same delivery again is a duplicate, whatever became of its run.
        assertThat(registry.submit(webhook("suite-2026.04-nova", "2026.04", "d-1"), Instant.now()))
                .isInstanceOf(Submission.Duplicate.class);
        assertThat(registry.get(run.id()).orElseThrow().state()).isEqualTo(RunState.FAILED);

        // A new delivery ("redeliver" in Gitea): the same run, queued again, its error cleared, on disk before the answer.
        Submission retried = new RunRegistry(state).submit(webhook("suite-2026.04-nova", "2026.04", "d-2"), Instant.now());
        assertThat(retried).isInstanceOf(Submission.Retried.class);
        assertThat(retried.run().id()).isEqualTo(run.id());
        assertThat(retried.run().state()).isEqualTo(RunState.QUEUED);
        assertThat(retried.run().attempts()).isEqualTo(1);
        assertThat(retried.run().error()).isNull();
        assertThat(retried.run().deliveries()).containsExactly("d-1", "d-2");
        RunRegistry afterRestart = new RunRegistry(state);
        assertThat(afterRestart.get(run.id())).contains(retried.run());

        // While that attempt is active, and once it succeeded, new deliveries are duplicates.
        assertThat(afterRestart.submit(webhook("suite-2026.04-nova", "2026.04", "d-3"), Instant.now()))
                .isInstanceOf(Submission.Duplicate.class);
        afterRestart.update(run.id(), r -> r.withState(RunState.RUNNING, Instant.now(), null));
        afterRestart.update(run.id(), r -> r.withState(RunState.SUCCEEDED, Instant.now(), null));
        Submission done = afterRestart.submit(webhook("suite-2026.04-nova", "2026.04", "d-4"), Instant.now());
        assertThat(done).isInstanceOf(Submission.Duplicate.class);
        assertThat(done.run().attempts()).isEqualTo(2);
        assertThat(afterRestart.list(null)).hasSize(1);
    }

    @Test
    void concurrentRedeliveriesOfAFailedTagStartExactlyOneAttempt() throws Exception {
        RunRegistry registry = new RunRegistry(state);
        int tags = 20;
        List<RunRecord> failed = new ArrayList<>();
        for (int t = 1; t <= tags; t++) {
            RunRecord run = registry.submit(webhook("suite-2026.04." + t, "2026.04." + t, "first-" + t), Instant.now()).run();
            failed.add(registry.update(run.id(), r -> r.withState(RunState.FAILED, Instant.now(), "exit code 1")));
        }
        RunRegistry restarted = new RunRegistry(state);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Submission>> answers = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            for (int t = 1; t <= tags; t++) {
                RunRequest request = webhook("suite-2026.04." + t, "2026.04." + t, "again-" + t + "-" + d);
                answers.add(pool.submit(() -> restarted.submit(request, Instant.now())));
            }
        }
        List<Submission> submissions = new ArrayList<>();
        for (Future<Submission> answer : answers) {
            submissions.add(answer.get());
        }
        pool.shutdown();
        assertThat(submissions.stream().filter(s -> s instanceof Submission.Retried)).hasSize(tags);
        assertThat(submissions.stream().filter(s -> s instanceof Submission.Duplicate)).hasSize(tags * 9);
        assertThat(submissions.stream().filter(s -> s instanceof Submission.Accepted)).isEmpty();
        Map<String, RunRecord> reloaded = new RunRegistry(state).list(null).stream()
                .collect(Collectors.toMap(RunRecord::id, Function.identity()));
        assertThat(reloaded).hasSize(tags);
        for (RunRecord run : failed) {
            assertThat(reloaded.get(run.id()).state()).isEqualTo(RunState.QUEUED);
            assertThat(reloaded.get(run.id()).deliveries()).hasSize(11);
            assertThat(reloaded.get(run.id())).isEqualTo(restarted.get(run.id()).orElseThrow());
        }
    }

    @Test
    void retentionPrunesOldAndSurplusFinishedRunsButNeverActiveOnes() throws Exception {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        RunRegistry registry = new RunRegistry(state, new RunRegistry.Retention(java.time.Duration.ofDays(30), 5));
        List<RunRecord> runs = new ArrayList<>();
        for (int t = 1; t <= 9; t++) {
            RunRecord run = registry.submit(webhook("suite-2026.04." + t, "2026.04." + t, "d-" + t), start.plusSeconds(t)).run();
            runs.add(run);
            Files.createDirectories(registry.runDir(run.id()));
            Files.writeString(registry.runDir(run.id()).resolve("checkout.log"), "cloned\n");
        }
        // 1 and 2 stay active (queued, running); 3..9 finish; 9 finished just now, 3 long ago.
        registry.update(runs.get(1).id(), r -> r.withState(RunState.RUNNING, start, null));
        for (int i = 2; i < 9; i++) {
            Instant ended = i == 2 ? start : start.plus(java.time.Duration.ofDays(40)).plusSeconds(i);
            registry.update(runs.get(i).id(), r -> r.withState(RunState.FAILED, ended, "exit code 1"));
        }
        Instant now = start.plus(java.time.Duration.ofDays(41));
        List<RunRecord> pruned = registry.prune(now);

        // Age: run 3 (ended 41 days ago). Count: 9 runs, 5 allowed: the oldest finished, 4 to 6, go too; the
        // active 1 and 2, older still, stay.
        assertThat(pruned).extracting(RunRecord::tag).containsExactly("suite-2026.04.3", "suite-2026.04.4", "suite-2026.04.5",
                "suite-2026.04.6");
        assertThat(registry.list(null)).extracting(RunRecord::tag).containsExactly("suite-2026.04.9", "suite-2026.04.8",
                "suite-2026.04.7", "suite-2026.04.2", "suite-2026.04.1");
        for (RunRecord gone : pruned) {
            assertThat(registry.runsDir().resolve(gone.id() + ".json")).doesNotExist();
            assertThat(registry.runDir(gone.id())).doesNotExist();
        }
        assertThat(registry.runDir(runs.get(8).id()).resolve("checkout.log")).exists();
        assertThat(new RunRegistry(state).list(null)).hasSize(5);
        // Nothing more to prune; the active runs are never pruned, even past the count.
        assertThat(registry.prune(now)).isEmpty();
        RunRegistry tight = new RunRegistry(state, new RunRegistry.Retention(java.time.Duration.ofDays(1), 1));
        tight.prune(now.plus(java.time.Duration.ofDays(400)));
        assertThat(tight.list(null)).extracting(RunRecord::tag).containsExactly("suite-2026.04.2", "suite-2026.04.1");
        // A pruned run is forgotten entirely: its tag may start a new run.
        assertThat(tight.submit(webhook("suite-2026.04.3", "2026.04.3", "d-3"), now)).isInstanceOf(Submission.Accepted.class);
    }

    private List<Path> journalFiles() throws java.io.IOException {
        try (var files = Files.list(state.resolve("runs"))) {
            return files.filter(f -> f.getFileName().toString().matches("journal-\\d+\\.log")).sorted().toList();
        }
    }

    @Test
    void aTornRecordAtTheJournalsEndIsCutOffAndEveryCompleteOneKept() throws Exception {
        RunRegistry registry = new RunRegistry(state);
        List<RunRecord> runs = new ArrayList<>();
        for (int t = 1; t <= 5; t++) {
            runs.add(registry.submit(webhook("suite-2026.04." + t, "2026.04." + t, "d-" + t), Instant.now()).run());
        }
        Path journal = journalFiles().get(journalFiles().size() - 1);
        long complete = Files.size(journal);
        // A crash in the middle of the next append: part of a record (its header and some of its bytes) got out.
        byte[] torn = java.util.Arrays.copyOf(Files.readAllBytes(journal), 40);
        Files.write(journal, torn, java.nio.file.StandardOpenOption.APPEND);

        RunRegistry restarted = new RunRegistry(state);
        assertThat(restarted.list(null)).containsExactlyInAnyOrderElementsOf(runs);
        assertThat(journal).hasSize(complete); // truncated to its last complete record
        RunRecord next = restarted.submit(webhook("suite-2026.04.6", "2026.04.6", "d-6"), Instant.now()).run();
        assertThat(new RunRegistry(state).list(null)).hasSize(6).contains(next);

        // A record cut short (the crash came before its flush completed: never acknowledged) is dropped alone.
        Path last = journalFiles().get(journalFiles().size() - 1);
        try (var channel = java.nio.channels.FileChannel.open(last, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(last) - 3);
        }
        assertThat(new RunRegistry(state).list(null)).extracting(RunRecord::id)
                .containsExactlyInAnyOrderElementsOf(runs.stream().map(RunRecord::id).toList());
    }

    @Test
    void journalFilesGoOnceEveryRunInThemHasItsOwnFile() throws Exception {
        RunRegistry registry = new RunRegistry(state);
        RunRecord one = registry.submit(webhook("suite-2026.04.1", "2026.04.1", "d-1"), Instant.now()).run();
        RunRecord two = registry.submit(webhook("suite-2026.04.2", "2026.04.2", "d-2"), Instant.now()).run();
        assertThat(registry.runsDir().resolve(one.id() + ".json")).doesNotExist();
        registry.update(one.id(), r -> r.withState(RunState.RUNNING, Instant.now(), null));
        assertThat(registry.runsDir().resolve(one.id() + ".json")).exists();

        // Run two is still only in the journal: its file stays across a restart.
        RunRegistry second = new RunRegistry(state);
        assertThat(second.get(two.id())).contains(two);
        assertThat(journalFiles()).hasSize(1);
        // A delivery added to a run that has not started: journaled too, and read back.
        RunRecord redelivered = second.submit(webhook("suite-2026.04.2", "2026.04.2", "d-2b"), Instant.now()).run();
        assertThat(redelivered.deliveries()).containsExactly("d-2", "d-2b");
        assertThat(journalFiles()).hasSize(2);
        second.update(two.id(), r -> r.withState(RunState.RUNNING, Instant.now(), null));
        // Every run has its file: the older journal file is gone at once, the current one at the next start.
        assertThat(journalFiles()).hasSize(1);
        RunRegistry third = new RunRegistry(state);
        assertThat(journalFiles()).isEmpty();
        assertThat(third.get(two.id()).orElseThrow().deliveries()).containsExactly("d-2", "d-2b");
        assertThat(third.get(one.id()).orElseThrow().state()).isEqualTo(RunState.RUNNING);
    }

    @Test
    void prunedRunsNeverComeBackFromJournalFilesThatOutliveThem() throws Exception {
        // A new journal file after every flush: each run's record in a file of its own, retired in order.
        RunRegistry.Retention keepThree = new RunRegistry.Retention(java.time.Duration.ofDays(30), 3);
        RunRegistry registry = new RunRegistry(state, keepThree, 1);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        List<RunRecord> runs = new ArrayList<>();
        for (int t = 1; t <= 5; t++) {
            runs.add(registry.submit(webhook("suite-2026.04." + t, "2026.04." + t, "d-" + t), start.plusSeconds(t)).run());
        }
        assertThat(journalFiles()).hasSize(6); // five records, then a new empty file
        // Run 1 stays queued (only in the oldest journal file); 2..4 finish (own files) and 2, 3 are pruned.
        for (int i = 1; i <= 3; i++) {
            registry.update(runs.get(i).id(), r -> r.withState(RunState.SUCCEEDED, start.plusSeconds(100), null));
        }
        assertThat(registry.prune(start.plusSeconds(200))).extracting(RunRecord::tag)
                .containsExactly("suite-2026.04.2", "suite-2026.04.3");
        RunRegistry restarted = new RunRegistry(state, keepThree, 1);
        assertThat(restarted.list(null)).extracting(RunRecord::tag)
                .containsExactlyInAnyOrder("suite-2026.04.1", "suite-2026.04.4", "suite-2026.04.5");
        assertThat(restarted.get(runs.get(0).id())).contains(runs.get(0));
        assertThat(restarted.get(runs.get(4).id())).contains(runs.get(4));
    }

    @Test
    void pagesFollowOneAnotherWithoutRepeatsOrGapsWhileRunsArrive() {
        RunRegistry registry = new RunRegistry(state);
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        for (int t = 1; t <= 7; t++) {
            // Two runs share each second: the position tells them apart by id.
            registry.submit(webhook("suite-2026.04." + t, "2026.04." + t, "d-" + t), start.plusSeconds(t / 2));
        }
        List<String> expected = registry.list(null).stream().map(RunRecord::id).toList();
        RunRegistry.Page first = registry.page(null, null, 3);
        assertThat(first.runs()).extracting(RunRecord::id).isEqualTo(expected.subList(0, 3));
        // A newer run arrives between pages: the next page continues where the first ended.
        registry.submit(webhook("suite-2026.04.8", "2026.04.8", "d-8"), start.plusSeconds(100));
        RunRegistry.Page second = registry.page(null, first.next(), 3);
        assertThat(second.runs()).extracting(RunRecord::id).isEqualTo(expected.subList(3, 6));
        RunRegistry.Page last = registry.page(null, second.next(), 3);
        assertThat(last.runs()).extracting(RunRecord::id).isEqualTo(expected.subList(6, 7));
        assertThat(last.next()).isNull();
        assertThat(registry.page(RunState.FAILED, null, 3).runs()).isEmpty();
    }

    @Test
    void pagesAreTheSameAfterARestartAndLeaveOutPrunedRuns() {
        RunRegistry registry = new RunRegistry(state, new RunRegistry.Retention(java.time.Duration.ofDays(30), 100));
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        for (int t = 1; t <= 9; t++) {
            registry.submit(webhook("suite-2026.04." + t, "2026.04." + t, "d-" + t), start.plusSeconds(t / 3));
        }
        List<RunRecord> all = registry.list(null);
        // A state change keeps the run where it was listed; the state filter pages too.
        for (RunRecord run : all.subList(0, 5)) {
            registry.update(run.id(), r -> r.withState(RunState.FAILED, start.plusSeconds(60), "exit code 1"));
        }
        List<String> failed = all.subList(0, 5).stream().map(RunRecord::id).toList();
        RunRegistry.Page firstFailed = registry.page(RunState.FAILED, null, 2);
        assertThat(firstFailed.runs()).extracting(RunRecord::id).isEqualTo(failed.subList(0, 2));
        assertThat(registry.page(RunState.FAILED, firstFailed.next(), 10).runs()).extracting(RunRecord::id)
                .isEqualTo(failed.subList(2, 5));
        assertThat(registry.page(RunState.QUEUED, null, 10).runs()).extracting(RunRecord::id)
                .isEqualTo(all.subList(5, 9).stream().map(RunRecord::id).toList());

        // Read back from disk: the same pages.
        RunRegistry again = new RunRegistry(state, new RunRegistry.Retention(java.time.Duration.ofDays(30), 100));
        assertThat(pages(again, 4)).isEqualTo(all.stream().map(RunRecord::id).toList());

        // Pruned runs (the finished ones, past their age) are no longer listed, and the rest page as before.
        assertThat(again.prune(start.plus(java.time.Duration.ofDays(31)))).hasSize(5);
        assertThat(pages(again, 2)).isEqualTo(all.subList(5, 9).stream().map(RunRecord::id).toList());
        // A cursor at a pruned run still continues after it.
        assertThat(again.page(null, RunRegistry.Position.of(all.get(4)), 10).runs()).extracting(RunRecord::id)
                .isEqualTo(all.subList(5, 9).stream().map(RunRecord::id).toList());
    }

    /** Every run, page after page. */
    private static List<String> pages(RunRegistry registry, int limit) {
        List<String> ids = new java.util.ArrayList<>();
        RunRegistry.Position after = null;
        do {
            RunRegistry.Page page = registry.page(null, after, limit);
            assertThat(page.runs()).hasSizeLessThanOrEqualTo(limit);
            page.runs().forEach(r -> ids.add(r.id()));
            after = page.next();
        } while (after != null);
        return ids;
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
