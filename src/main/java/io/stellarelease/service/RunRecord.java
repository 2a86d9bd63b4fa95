package io.stellarelease.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A run as the service knows it: the request that was accepted (written durably before it was
 * acknowledged) and where the run is now. The pipeline's detailed state lives in the release
 * directory's {@code state.json}. {@code skipNuget}/{@code skipContainer}: a module dispatch message's
 * {@code publishNuget: false}/{@code publishContainer: false} (absent in older records: publish).
 */
public record RunRecord(
        String id,
        String kind,
        String tag,
        String version,
        String source,
        List<String> deliveries,
        String cloneUrl,
        String commit,
        boolean dryRun,
        boolean skipTests,
        RunState state,
        int attempts,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String releaseDir,
        String error,
        boolean skipNuget,
        boolean skipContainer) {

    public RunRecord {
        deliveries = deliveries == null ? List.of() : List.copyOf(deliveries);
    }

    public RunRecord withState(RunState newState, Instant at, String why) {
        Instant started = newState == RunState.RUNNING ? at : startedAt;
        Instant finished = newState == RunState.SUCCEEDED || newState == RunState.FAILED ? at : finishedAt;
        int tries = newState == RunState.RUNNING ? attempts + 1 : attempts;
        return new RunRecord(id, kind, tag, version, source, deliveries, cloneUrl, commit, dryRun, skipTests, newState,
                tries, createdAt, started, finished, releaseDir, why, skipNuget, skipContainer);
    }

    /** Queued again for another attempt: the error of the last one is cleared, the attempts so far are kept. */
    public RunRecord requeued() {
        return new RunRecord(id, kind, tag, version, source, deliveries, cloneUrl, commit, dryRun, skipTests, RunState.QUEUED,
                attempts, createdAt, startedAt, null, releaseDir, null, skipNuget, skipContainer);
    }

    public RunRecord withReleaseDir(String dir) {
        return new RunRecord(id, kind, tag, version, source, deliveries, cloneUrl, commit, dryRun, skipTests, state,
                attempts, createdAt, startedAt, finishedAt, dir, error, skipNuget, skipContainer);
    }

    public RunRecord withDelivery(String delivery) {
        if (delivery == null || deliveries.contains(delivery)) {
            return this;
        }
        List<String> more = new ArrayList<>(deliveries);
        more.add(delivery);
        return new RunRecord(id, kind, tag, version, source, more, cloneUrl, commit, dryRun, skipTests, state, attempts,
                createdAt, startedAt, finishedAt, releaseDir, error, skipNuget, skipContainer);
    }
}
