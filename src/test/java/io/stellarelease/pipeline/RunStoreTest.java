package io.stellarelease.pipeline;

import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.state.ReleaseRequest;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** state.json: a skipped stage's state reaches the disk without holding up the run; a durable save covers all before it. */
class RunStoreTest {
    @TempDir
    Path out;

    private ReleaseRun run() {
        ReleaseRun run = new ReleaseRun("r1", new ReleaseRequest("suite-2026.04-nova", out, out, true, true), Instant.EPOCH);
        run.setSuite(new SuiteVersion("suite-2026.04-nova", "2026.04", "2026.04", 0, "Nova", "edge"));
        return run;
    }

    private static void stage(ReleaseRun run, String name, Status status) {
        run.restoreStage(StageRecord.restored(name, status, Instant.EPOCH, Instant.EPOCH, null, 0, List.of()));
    }

    private List<String> resumed(RunStore store, ReleaseRun run) {
        return store.resume(run.getId(), run.getRequest(), run.releaseDir()).orElseThrow().getStages().stream()
                .map(StageRecord::getName).toList();
    }

    @Test
    void aSkippedStagesStateIsWrittenWithoutALaterSave() throws Exception {
        RunStore store = new RunStore();
        ReleaseRun run = run();
        stage(run, "validate", Status.DONE);
        store.save(run);
        stage(run, "test-gate", Status.SKIPPED);
        store.saveSoon(run);
        // Nothing else is saved: the writer thread alone must bring test-gate to the disk.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (resumed(store, run).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(resumed(new RunStore(), run)).containsExactly("validate", "test-gate");
    }

    @Test
    void aDurableSaveHasTheNewestStateOnDiskWhenItReturns() {
        RunStore store = new RunStore();
        ReleaseRun run = run();
        stage(run, "validate", Status.DONE);
        store.save(run);
        for (String skipped : List.of("test-gate", "build-containers", "publish-nuget", "push-containers")) {
            stage(run, skipped, Status.SKIPPED);
            store.saveSoon(run);
        }
        stage(run, "release-manifest", Status.DONE);
        store.save(run);
        assertThat(resumed(new RunStore(), run)).containsExactly("validate", "test-gate", "build-containers",
                "publish-nuget", "push-containers", "release-manifest");
        assertThat(run.releaseDir()).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void aStateThatCannotBeWrittenFailsTheDurableSave() throws Exception {
        RunStore store = new RunStore();
        ReleaseRun run = run();
        Files.createDirectories(run.releaseDir().getParent());
        Files.writeString(run.releaseDir(), "a file where the release directory belongs");
        stage(run, "test-gate", Status.SKIPPED);
        store.saveSoon(run); // logged, not thrown: the next durable save says it
        stage(run, "build-modules", Status.DONE);
        assertThatThrownBy(() -> store.save(run)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("could not save the run state to " + run.releaseDir().resolve(RunStore.FILE));
    }

    /** What Jackson writes for the run without the finished-stage cache. */
    private static String plain(ReleaseRun run) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(run);
    }

    private static io.stellarelease.state.StepResult step(String stage, String name) {
        return new io.stellarelease.state.StepResult(stage, name, Status.DONE, 0, Instant.EPOCH, Instant.EPOCH.plusMillis(7), 7,
                "logs/" + stage + "/" + name + ".log", List.of(), java.util.Map.of("version", "2026.04"), null);
    }

    @Test
    void aFinishedStageWrittenFromItsEarlierTextIsWhatAFreshSerializationWritesAndAChangeToItIsWritten() throws Exception {
        RunStore store = new RunStore();
        ReleaseRun run = run();
        Path file = run.releaseDir().resolve(RunStore.FILE);
        StageRecord build = run.startStage("build-modules", Instant.EPOCH);
        build.plan(List.of("M1", "M2", "M3-Модуль-✓")); // not ASCII: the kept text is written as UTF-8 bytes
        build.addStep(step("build-modules", "M2"));
        build.addStep(step("build-modules", "M1"));
        build.stepStarted("M3-Модуль-✓", Instant.EPOCH);
        store.save(run); // running: serialized as it is now
        assertThat(file).content(UTF_8).isEqualTo(plain(run));

        build.addStep(step("build-modules", "M3-Модуль-✓"));
        build.finish(Status.DONE, null, Instant.EPOCH.plusSeconds(1));
        run.startStage("sboms", Instant.EPOCH.plusSeconds(1));
        store.save(run); // build-modules finished: serialized and kept
        assertThat(file).content(UTF_8).isEqualTo(plain(run)).contains("\"name\":\"M3-Модуль-✓\"");
        String sbomsRunning = Files.readString(file);

        run.stage("sboms").orElseThrow().finish(Status.SKIPPED, "nothing to describe", Instant.EPOCH.plusSeconds(2));
        store.save(run); // build-modules from its kept text
        assertThat(file).content(UTF_8).isEqualTo(plain(run)).isNotEqualTo(sbomsRunning).contains("nothing to describe");

        // A finished stage that changes after all (a step recorded late) is serialized again, not written from its old text.
        build.addStep(step("build-modules", "M4"));
        store.save(run);
        assertThat(file).content(UTF_8).isEqualTo(plain(run)).contains("\"name\":\"M4\"");
        assertThat(resumed(new RunStore(), run)).containsExactly("build-modules", "sboms");
    }
}
