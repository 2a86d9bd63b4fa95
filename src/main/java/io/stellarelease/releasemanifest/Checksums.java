package io.stellarelease.releasemanifest;

import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import io.stellarelease.util.Files2;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;

/**
 * Writes {@code SHA256SUMS-{version}.txt} in {@code sha256sum} format (sorted, LF) over every artifact the
 * stages recorded and the manifest, so that {@code sha256sum -c} passes in the release directory.
 */
public class Checksums {

    public static String fileName(String version) {
        return "SHA256SUMS-" + version + ".txt";
    }

    public Path write(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        Path dir = run.releaseDir();
        TreeMap<String, String> sums = new TreeMap<>();
        for (StageRecord stage : run.getStages()) {
            stage.getSteps().stream().filter(s -> s.status() == Status.DONE)
                    .flatMap(s -> s.artifacts().stream())
                    .forEach(a -> sums.put(a.path(), a.sha256()));
        }
        String manifest = ReleaseManifest.fileName(run);
        if (Files.isRegularFile(dir.resolve(manifest))) {
            sums.put(manifest, Files2.sha256(dir.resolve(manifest)));
        }
        StringBuilder text = new StringBuilder();
        sums.forEach((path, sha) -> text.append(sha).append("  ").append(path).append('\n'));
        Path file = dir.resolve(fileName(run.releaseName()));
        try {
            Files2.writeAtomically(file, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
        return file;
    }
}
