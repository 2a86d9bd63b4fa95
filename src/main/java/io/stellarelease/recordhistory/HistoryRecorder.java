package io.stellarelease.recordhistory;

import io.stellarelease.airgapbundle.AirgapStage;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.releasemanifest.ReleaseManifest;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.util.Files2;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The record-history stage: the release's manifest, once everything is published, into the release history. */
public class HistoryRecorder {
    private final ReleaseHistory history;

    public HistoryRecorder(ReleaseHistory history) {
        this.history = history;
    }

    public String record(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        Path recorded = history.record(run.getKind(), run.releaseTag(), run.releaseDir().resolve(ReleaseManifest.fileName(run)));
        // The air-gap bundle's record cannot be in the manifest (the bundle contains the manifest): it is kept beside
        // it as <tag>.airgap.json, which the history's readers (*.yaml) leave alone.
        Path airgap = run.releaseDir().resolve(AirgapStage.reportName(run.releaseName()));
        if (!run.isModuleRelease() && Files.isRegularFile(airgap)) {
            try {
                Files2.writeAtomically(recorded.resolveSibling(run.releaseTag() + ".airgap.json"), Files.readAllBytes(airgap));
            } catch (IOException e) {
                throw new UncheckedIOException("could not record " + airgap + " in the release history", e);
            }
        }
        return recorded.toString();
    }
}
