package io.stellarelease.history;

import io.stellarelease.stages.ReleaseManifest;
import io.stellarelease.state.ReleaseRun;
import org.apache.camel.ExchangeProperty;

/** The record-history stage: the release's manifest, once everything is published, into the release history. */
public class HistoryRecorder {
    private final ReleaseHistory history;

    public HistoryRecorder(ReleaseHistory history) {
        this.history = history;
    }

    public String record(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        return history.record(run.getKind(), run.releaseTag(), run.releaseDir().resolve(ReleaseManifest.fileName(run))).toString();
    }
}
