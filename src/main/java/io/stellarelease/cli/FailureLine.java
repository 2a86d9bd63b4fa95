package io.stellarelease.cli;

import io.stellarelease.summary.ReleaseSummary;
import io.stellarelease.state.PlannedStage;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;

import java.util.Optional;

/**
 * The last line of a failed run on stderr. A stage's failure was already said, with its reason and the last lines of
 * the failed step's log, in the stage's end line: said once, this line only names the stage, the exit code and where
 * the summary is (the summary is not printed again). A failure outside any stage has not been said yet: it is here.
 */
final class FailureLine {

    private FailureLine() {
    }

    static String of(String what, ReleaseRun run, int exit) {
        Optional<StageRecord> failed = run.getStages().stream().filter(s -> s.getStatus().failed()).findFirst();
        if (failed.isEmpty() || failed.get().getReason() == null) {
            return what + " failed: " + run.getFailure();
        }
        String stage = failed.get().getName();
        // The stage's route file, so an editor knows where to look (not for a rule the tag broke: that is no edit).
        String file = exit == 3 ? "" : run.planned(stage).map(PlannedStage::routeFile).map(f -> " (" + f + ")").orElse("");
        String line = what + " failed at " + stage + file + " (exit " + exit + ")";
        return run.isValidated() ? line + "; summary: " + run.releaseDir().resolve(ReleaseSummary.FILE) : line;
    }
}
