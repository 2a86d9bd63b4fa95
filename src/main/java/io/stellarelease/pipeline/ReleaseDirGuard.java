package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.util.Files2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Dry and real runs of one version share a release directory; neither may be mistaken for the other there. A dry run
 * never overwrites what a real run left (state, manifest, checksums, summary: a retry resumes from them), and a run
 * never inherits a dry run's files (a real run failing before its manifest would otherwise leave the rehearsal's
 * manifest for {@code verify} and the run API to read as its own). The validate stages call this once the version is
 * known and before the run has written anything, so a refusal leaves the directory as it was.
 */
public final class ReleaseDirGuard {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReleaseDirGuard() {
    }

    public static void prepare(ReleaseRun run, String version) {
        var request = run.getRequest();
        Path dir = ReleaseRun.releaseDir(request.outputRoot(), request.tag(), version);
        Path file = dir.resolve(RunStore.FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        JsonNode state;
        try {
            state = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ReleaseRuleException(request.tag(), "a run must not write over a release directory whose state it "
                    + "cannot read: " + file + ": " + e.getMessage());
        }
        if (run.getId().equals(state.path("id").asText())) {
            return; // this run's own earlier attempt: resumed from it
        }
        boolean earlierWasDry = state.path("request").path("dryRun").asBoolean(true);
        if (!earlierWasDry) {
            if (request.dryRun()) {
                throw new ReleaseRuleException(request.tag(), "a dry run must not overwrite a real run's release directory: "
                        + dir + " holds run " + state.path("id").asText("?") + " of " + state.path("request").path("tag")
                        .asText("?") + "; rehearse it in another output directory (release --out DIR)");
            }
            return; // another real run of this version: one run per tag decides elsewhere whether that may happen
        }
        clear(dir); // a rehearsal's leftovers: gone before this run writes its own
    }

    private static void clear(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                if (Files.isDirectory(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files2.deleteRecursively(entry);
                } else {
                    Files.delete(entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not clear the dry run's files from " + dir, e);
        }
    }
}
