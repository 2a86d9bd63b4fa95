package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.state.ReleaseRequest;
import io.stellarelease.state.ReleaseRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A dry run must not overwrite what a real run left in its release directory (state, manifest, checksums, summary):
 * a dry run of a released version would otherwise replace the real release's files and break a retry's resume. The
 * validate stages call this before the run has a version, so nothing is written when it refuses.
 */
public final class DryRunGuard {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DryRunGuard() {
    }

    public static void refuseDryRunOverRealRun(ReleaseRequest request, String version) {
        if (!request.dryRun()) {
            return; // a real run after a dry run replaces the rehearsal: that is what a rehearsal is for
        }
        Path dir = ReleaseRun.releaseDir(request.outputRoot(), request.tag(), version);
        Path file = dir.resolve(RunStore.FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        JsonNode state;
        try {
            state = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ReleaseRuleException(request.tag(), "a dry run must not overwrite a release directory it cannot read: "
                    + file + ": " + e.getMessage());
        }
        if (!state.path("request").path("dryRun").asBoolean(true)) {
            throw new ReleaseRuleException(request.tag(), "a dry run must not overwrite a real run's release directory: "
                    + dir + " holds run " + state.path("id").asText("?") + " of "
                    + state.path("request").path("tag").asText("?") + "; give the dry run another output directory (--out DIR)");
        }
    }
}
