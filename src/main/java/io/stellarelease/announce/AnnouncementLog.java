package io.stellarelease.announce;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.util.Files2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What was announced for a release, kept in the release history next to its manifest
 * ({@code suites/<tag>.announced.json}): each target once it accepted the announcement. A target listed here is never
 * sent the release's announcement again, whichever run or output directory repeats the release.
 */
public class AnnouncementLog {
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** One announcement that went out: target ({@code webhook:<name>} or {@code email}), when, and its text's sha256. */
    public record Sent(String target, Instant sentAt, String sha256) { }

    public record Log(String tag, List<Sent> sent) { }

    private final ReleaseHistory history;
    private final String suffix;

    public AnnouncementLog(ReleaseHistory history) {
        this(history, "announced");
    }

    /** A log of another notice about a release: {@code suites/<tag>.<suffix>.json} (e.g. {@code degraded-announced}). */
    public AnnouncementLog(ReleaseHistory history, String suffix) {
        this.history = history;
        this.suffix = suffix;
    }

    public Path file(String tag) {
        return history.dir().resolve("suites").resolve(tag + "." + suffix + ".json");
    }

    public synchronized List<Sent> sent(String tag) {
        Path file = file(tag);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return JSON.readValue(file.toFile(), Log.class).sent();
        } catch (IOException e) {
            throw new IllegalStateException("announcement record " + file + " is not readable: " + e.getMessage(), e);
        }
    }

    public Optional<Sent> sent(String tag, String target) {
        return sent(tag).stream().filter(s -> s.target().equals(target)).findFirst();
    }

    /** Adds {@code sent}, durably, before the next target is tried. */
    public synchronized void add(String tag, Sent sent) {
        List<Sent> all = new ArrayList<>(sent(tag));
        all.removeIf(s -> s.target().equals(sent.target()));
        all.add(sent);
        try {
            Files2.writeDurably(file(tag), JSON.writeValueAsBytes(new Log(tag, all)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not record the announcement of " + tag + " in " + file(tag), e);
        }
    }
}
