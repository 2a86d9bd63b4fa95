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
}
