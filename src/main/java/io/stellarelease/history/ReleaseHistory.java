package io.stellarelease.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stellarelease.util.Files2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every release's manifest, kept as released: {@code <dir>/suites/<tag>.yaml} and {@code <dir>/modules/<tag>.yaml}.
 * The manifests are the history: the release list, the compatibility matrix, support windows and hotfix and
 * rollback targets are all read from them, so nothing can disagree with what was released.
 */
public class ReleaseHistory {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One released suite or module, as its manifest says. {@code modules}: module name to version. */
    public record Entry(String kind, String name, String version, String tag, String channel, String codename,
                        String hotfixOf, Instant releasedAt, Map<String, String> modules, Map<String, String> images,
                        Instant recordedAt) {

        /** The suite version a suite release belongs to: its own, or the one a hotfix fixes. */
        public String suiteVersion() {
            return hotfixOf != null ? hotfixOf : version;
        }
    }

    /**
     * Where the manifests are kept when not only in {@code dir}: the shared store ({@code stella.store.url}), so every
     * instance reads one history. The backups and announcement records stay in {@code dir}.
     */
    public interface Shelf {
        /** Keeps a manifest under its kind ({@code suite}, {@code module}) and tag, replacing an earlier one. */
        void put(String kind, String tag, byte[] manifest);

        /** Every manifest kept, with when it was recorded. */
        List<Stored> all();

        record Stored(String kind, String tag, byte[] manifest, Instant recordedAt) { }
    }

    private final Path dir;
    private volatile Shelf shelf;

    public ReleaseHistory(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** From now on manifests are recorded on, and read from, {@code shelf} (they are still written to {@code dir}). */
    public ReleaseHistory useShelf(Shelf shelf) {
        this.shelf = shelf;
        return this;
    }

    public Path dir() {
        return dir;
    }

    /** Keeps {@code manifest}, a release's manifest, under its kind and tag (a release repeated replaces its entry). */
    public synchronized Path record(String kind, String tag, Path manifest) {
        Path target = dir.resolve("module".equals(kind) ? "modules" : "suites").resolve(tag + ".yaml");
        try {
            byte[] bytes = Files.readAllBytes(manifest);
            Shelf s = shelf;
            if (s != null) {
                s.put("module".equals(kind) ? "module" : "suite", tag, bytes);
            }
            Files2.writeAtomically(target, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not record " + tag + " in the release history " + dir, e);
        }
        return target;
    }

    /** Every release, oldest first. */
    public synchronized List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        Shelf s = shelf;
        if (s != null) {
            Map<String, Parsed> parsed = new java.util.HashMap<>();
            for (Shelf.Stored stored : s.all()) {
                String key = stored.kind() + " " + stored.tag();
                Parsed known = shelfParsed.get(key);
                Parsed now = known != null && known.recordedAt().equals(stored.recordedAt())
                        && java.util.Arrays.equals(known.manifest(), stored.manifest()) ? known
                        : new Parsed(stored.manifest(), stored.recordedAt(), null, -1, null,
                                read(stored.manifest(), stored.recordedAt(), key + " in the shared store"));
                parsed.put(key, now);
                entries.add(now.entry());
            }
            shelfParsed = parsed;
            entries.sort(Comparator.comparing(Entry::releasedAt).thenComparing(Entry::recordedAt).thenComparing(Entry::tag));
            return entries;
        }
        Map<Path, Parsed> parsed = new java.util.HashMap<>();
        for (String kind : List.of("suites", "modules")) {
            Path sub = dir.resolve(kind);
            if (!Files.isDirectory(sub)) {
                continue;
            }
            try (Stream<Path> files = Files.list(sub)) {
                for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
                    entries.add(cached(f, parsed));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the release history " + sub, e);
            }
        }
        fileParsed = parsed;
        // releasedAt has whole seconds: releases within one second keep the order they were recorded in.
        entries.sort(Comparator.comparing(Entry::releasedAt).thenComparing(Entry::recordedAt).thenComparing(Entry::tag));
        return entries;
    }

    /** The latest release of suite {@code version} that is not a hotfix: the release hotfixes of it fix. */
    public Optional<Entry> suiteRelease(String version) {
        return entries().stream().filter(e -> e.kind().equals("suite") && e.hotfixOf() == null && e.version().equals(version))
                .reduce((a, b) -> b);
    }

    /** Releases of {@code kind} named {@code name} (a module's name, or {@code suite}), oldest first. */
    public List<Entry> releasesOf(String kind, String name) {
        return entries().stream().filter(e -> e.kind().equals(kind) && e.name().equalsIgnoreCase(name)).toList();
    }

    /**
     * Manifests already read, with what they were read from: a manifest is parsed again only when its file (modified
     * time, size) or its stored bytes change, so listing a long history is not a YAML parse per release per request.
     * Guarded by this (entries() is synchronized); replaced by each listing, so removed releases drop out.
     */
    private record Parsed(byte[] manifest, Instant recordedAt, java.nio.file.attribute.FileTime modified, long size, Object fileKey,
                          Entry entry) { }

    private Map<Path, Parsed> fileParsed = Map.of();
    private Map<String, Parsed> shelfParsed = Map.of();

    private Entry cached(Path file, Map<Path, Parsed> parsed) throws IOException {
        java.nio.file.attribute.BasicFileAttributes attrs = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        Parsed known = fileParsed.get(file);
        Parsed now = known != null && known.modified().equals(attrs.lastModifiedTime()) && known.size() == attrs.size()
                && java.util.Objects.equals(known.fileKey(), attrs.fileKey()) ? known
                : new Parsed(null, null, attrs.lastModifiedTime(), attrs.size(), attrs.fileKey(), read(file));
        parsed.put(file, now);
        return now.entry();
    }

    private static Entry read(Path file) {
        try {
            return read(Files.readAllBytes(file), Files.getLastModifiedTime(file).toInstant(), file.toString());
        } catch (IOException e) {
            throw new IllegalStateException("release history entry " + file + " is not a readable manifest: " + e.getMessage(), e);
        }
    }

    private static Entry read(byte[] manifest, Instant recorded, String where) {
        try {
            JsonNode m = YAML.readTree(manifest);
            Map<String, String> modules = new LinkedHashMap<>();
            Map<String, String> images = new LinkedHashMap<>(); // module -> the repository its image went to
            for (JsonNode mod : m.path("modules")) {
                modules.put(mod.path("name").asText(), mod.path("version").asText());
                if (mod.path("image").hasNonNull("repository")) {
                    images.put(mod.path("name").asText(), mod.path("image").path("repository").asText());
                }
            }
            if (m.has("module")) {
                JsonNode r = m.get("module");
                return new Entry("module", r.path("name").asText(), r.path("version").asText(), r.path("tag").asText(),
                        null, null, null, Instant.parse(r.path("releasedAt").asText()), modules, images, recorded);
            }
            JsonNode s = m.path("suite");
            return new Entry("suite", "suite", s.path("version").asText(), s.path("tag").asText(), s.path("channel").asText(),
                    s.path("codename").asText(), s.hasNonNull("hotfixOf") ? s.get("hotfixOf").asText() : null,
                    Instant.parse(s.path("releasedAt").asText()), modules, images, recorded);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("release history entry " + where + " is not a readable manifest: " + e.getMessage(), e);
        }
    }
}
