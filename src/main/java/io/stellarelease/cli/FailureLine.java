package io.stellarelease.cli;

import io.stellarelease.stages.ReleaseSummary;
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
        String line = what + " failed at " + failed.get().getName() + " (exit " + exit + ")";
        return run.isValidated() ? line + "; summary: " + run.releaseDir().resolve(ReleaseSummary.FILE) : line;
    }
}
