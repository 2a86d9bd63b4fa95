package io.stellarelease.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stellarelease.util.Files2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The post-release watch of each suite release, kept in the release history beside its manifest
 * ({@code suites/<tag>.watch.json}), written durably on every change: started ({@code watching}) by the watch stage of a
 * real release, advanced by {@code serve}, and closed {@code healthy} (the window passed without a breach) or
 * {@code degraded} (the first breach: which check, its value, the threshold, when).
 */
public class ReleaseWatches {
    public static final String WATCHING = "watching";
    public static final String HEALTHY = "healthy";
    public static final String DEGRADED = "degraded";

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** A breached check: its name, kind ({@code health} or {@code prometheus}), the value seen, the threshold, when. */
    public record Breach(String check, String kind, String value, String threshold, Instant at, String detail) { }

    /** The last result of one check: ok, or not, with the value seen (or why there is none). */
    public record CheckResult(String check, String kind, boolean ok, String value, String detail) { }

    /**
     * One release's watch ({@code window}: ISO-8601). {@code rounds}: check rounds made; {@code note}: how it was closed when that needs saying
     * (the window ended while serve was not running); {@code announced}: the degraded notice went to every target (true),
     * not yet to all (false: tried again each round), or there was nothing to send it to (null, {@code announceError} says why).
     */
    public record Watch(String tag, String version, String status, String window, Instant startedAt, Instant endsAt,
                        int rounds, Instant lastCheckedAt, List<CheckResult> lastResults, Breach breach, Instant closedAt,
                        String note, Boolean announced, String announceError) {
        public Watch {
            lastResults = lastResults == null ? List.of() : List.copyOf(lastResults);
        }

        public Watch checked(Instant at, List<CheckResult> results) {
            return new Watch(tag, version, status, window, startedAt, endsAt, rounds + 1, at, results, breach, closedAt, note,
                    announced, announceError);
        }

        public Watch closed(String outcome, Instant at, Breach breachSeen, String why) {
            return new Watch(tag, version, outcome, window, startedAt, endsAt, rounds, lastCheckedAt, lastResults, breachSeen,
                    at, why, announced, announceError);
        }

        /** {@code all}: every target has the degraded notice (true), some still to send (false), none to send to (null). */
        public Watch announcedNow(Boolean all, String error) {
            return new Watch(tag, version, status, window, startedAt, endsAt, rounds, lastCheckedAt, lastResults, breach,
                    closedAt, note, all, error);
        }
    }

    private final ReleaseHistory history;

    public ReleaseWatches(ReleaseHistory history) {
        this.history = history;
    }

    public Path file(String tag) {
        return history.dir().resolve("suites").resolve(tag + ".watch.json");
    }

    public synchronized Optional<Watch> get(String tag) {
        Path file = file(tag);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(read(file));
    }

    /** Every watch, in tag order. */
    public synchronized List<Watch> all() {
        Path dir = history.dir().resolve("suites");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Watch> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".watch.json")).sorted().toList()) {
                all.add(read(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the release watches in " + dir, e);
        }
        return all;
    }

    /** Writes the watch durably: what it says survives a crash of serve or of the machine. */
    public synchronized void put(Watch watch) {
        try {
            Files2.writeDurably(file(watch.tag()), JSON.writeValueAsBytes(watch));
        } catch (IOException e) {
            throw new UncheckedIOException("could not record the watch of " + watch.tag() + " in " + file(watch.tag()), e);
        }
    }

    private static Watch read(Path file) {
        try {
            return JSON.readValue(file.toFile(), Watch.class);
        } catch (IOException e) {
            throw new IllegalStateException("release watch " + file + " is not readable: " + e.getMessage(), e);
        }
    }
}
