package io.stellarelease.backupdatabase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.util.Files2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The database backups in the release history, next to the manifests: {@code suites/<tag>.backup/} holds the dump of
 * each database taken by release {@code <tag>} before it published anything, and {@code backup.json}, its index. A
 * backup holds the data of the release that was current when it was taken ({@code dataOf}): rolling back to a release
 * restores the newest backup holding that release's data.
 */
public class DatabaseBackups {
    public static final String INDEX = "backup.json";
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** One database's dump: its file (in the backup's directory), checksum and size. */
    public record Dump(String database, String file, String sha256, long size) { }

    /** The release current when a backup was taken: whose data it holds. */
    public record Release(String tag, String version) { }

    /** {@code backup.json}. */
    public record Index(String tag, String version, Instant takenAt, Release dataOf, List<Dump> databases) {
        public Optional<Dump> dump(String database) {
            return databases.stream().filter(d -> d.database().equals(database)).findFirst();
        }
    }

    /** The databases' data since a database rollback restored them: that of release {@code dataOf}, since {@code at}. */
    public record Restored(Release dataOf, Instant at, String by) { }

    public static final String RESTORED = "database-restored.json";

    private final ReleaseHistory history;

    public DatabaseBackups(ReleaseHistory history) {
        this.history = history;
    }

    /** Where release {@code tag}'s backup is kept. */
    public Path dir(String tag) {
        return history.dir().resolve("suites").resolve(tag + ".backup");
    }

    /** The backup taken by release {@code tag}, if it completed. */
    public Optional<Index> takenBy(String tag) {
        return read(dir(tag).resolve(INDEX));
    }

    /** The newest backup holding the data of release {@code tag}. */
    public Optional<Index> holding(String tag) {
        Path suites = history.dir().resolve("suites");
        if (!Files.isDirectory(suites)) {
            return Optional.empty();
        }
        List<Index> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(suites)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().endsWith(".backup")).toList()) {
                read(d.resolve(INDEX)).ifPresent(all::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the backups in " + suites, e);
        }
        return all.stream().filter(i -> i.dataOf() != null && i.dataOf().tag().equals(tag)).max(Comparator.comparing(Index::takenAt));
    }

    /**
     * The release whose data the databases hold now: the newest suite release in the history (other than
     * {@code except}), unless a database rollback restored another release's data after it was recorded.
     */
    public Release current(String except) {
        Optional<ReleaseHistory.Entry> latest = history.releasesOf("suite", "suite").stream()
                .filter(e -> !e.tag().equals(except)).reduce((a, b) -> b);
        Optional<Restored> restored = restored();
        if (restored.isPresent() && (latest.isEmpty() || restored.get().at().isAfter(latest.get().recordedAt()))) {
            return restored.get().dataOf();
        }
        return latest.map(e -> new Release(e.tag(), e.version())).orElse(null);
    }

    /** The last database rollback's restore, if any. */
    public Optional<Restored> restored() {
        Path file = history.dir().resolve(RESTORED);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Restored.class));
        } catch (IOException e) {
            throw new IllegalStateException(file + " is not readable: " + e.getMessage(), e);
        }
    }

    /** Records that a database rollback restored the data of {@code dataOf}: the next backup holds that release's data. */
    public synchronized void restored(Restored restored) {
        try {
            Files2.writeDurably(history.dir().resolve(RESTORED), JSON.writeValueAsBytes(restored));
        } catch (IOException e) {
            throw new UncheckedIOException("could not record the restore in " + history.dir().resolve(RESTORED), e);
        }
    }

    /**
     * Keeps {@code files} (file name to the dump where the command wrote it) as release {@code index.tag()}'s backup,
     * with its index: copied beside the target, then renamed into place, so a backup in the history is always complete.
     */
    public synchronized Path record(Index index, Map<String, Path> files) {
        Path target = dir(index.tag());
        Path incoming = target.resolveSibling("." + target.getFileName() + ".incoming");
        try {
            Files2.deleteRecursively(incoming);
            Files.createDirectories(incoming);
            for (var f : files.entrySet()) {
                Files.copy(f.getValue(), incoming.resolve(f.getKey()));
            }
            Files.write(incoming.resolve(INDEX), JSON.writeValueAsBytes(index));
            Files2.deleteRecursively(target);
            Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep the backup of " + index.tag() + " in " + target, e);
        }
    }

    private static Optional<Index> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Index.class));
        } catch (IOException e) {
            throw new IllegalStateException("backup index " + file + " is not readable: " + e.getMessage(), e);
        }
    }
}
