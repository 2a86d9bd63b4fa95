package io.stellarelease.service;

import io.stellarelease.rules.ModuleTagParser;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stellarelease.util.Files2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The durable record of runs: one JSON file per run under {@code <state>/runs/}, written and flushed to
 * disk before a request is acknowledged, so an accepted release survives a crash. Decisions are
 * serialised here (one lock, in memory, with indexes: no scan of past runs per request), which is what
 * makes one tag start exactly one run however its deliveries interleave. The disk writes happen after
 * the decision, outside that lock: requests for different runs flush in parallel (the file system
 * commits concurrent flushes together), and writes of one run are ordered by that run's own lock.
 */
public class RunRegistry {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path runsDir;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);
    // Guarded by this: the records and their indexes change together.
    private final Map<String, RunRecord> runs = new ConcurrentHashMap<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, String> runByDelivery = new HashMap<>();
    private final Map<String, String> latestRunByTag = new HashMap<>();
    private final Map<String, Set<String>> activeRunsByRelease = new HashMap<>();
    private long nextVersion;
    // Per run: the version on disk; a run's lock orders its writes.
    private final Map<String, Object> writeLocks = new ConcurrentHashMap<>();
    private final Map<String, Long> durableVersions = new ConcurrentHashMap<>();

    public RunRegistry(Path stateDir) {
        this.runsDir = stateDir.resolve("runs").toAbsolutePath().normalize();
        load();
    }

    public Path runsDir() {
        return runsDir;
    }

    /** A run's own directory: its checkout lives there. */
    public Path runDir(String id) {
        return runsDir.resolve(id);
    }

    private synchronized void load() {
        if (!Files.isDirectory(runsDir)) {
            return;
        }
        try (Stream<Path> files = Files.list(runsDir)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".json"))::iterator) {
                RunRecord run = json.readValue(file.toFile(), RunRecord.class);
                long version = remember(run);
                durableVersions.put(run.id(), version);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the run records in " + runsDir, e);
        }
    }

    /**
     * Records a request as a run, or says why not. A tag that already has a run gets that run back
     * (a redelivered or second webhook for the same tag), unless the request may start a re-run and
     * the old run is finished. A version with an active run refuses a second one. Returns once what it
     * answers is on disk.
     */
    public Submission submit(RunRequest request, Instant now) {
        Submission submission = decide(request, now);
        try {
            persist(submission.run().id());
        } catch (UncheckedIOException e) {
            if (submission instanceof Submission.Accepted accepted) {
                forget(accepted.run());
            }
            throw e;
        }
        return submission;
    }

    private synchronized Submission decide(RunRequest request, Instant now) {
        // The same delivery again (a redelivered webhook, a queue message seen before a crash): its run.
        if (request.delivery() != null) {
            String delivered = runByDelivery.get(request.delivery());
            if (delivered != null) {
                return new Submission.Duplicate(runs.get(delivered));
            }
        }
        String sameTag = latestRunByTag.get(request.tag());
        if (sameTag != null) {
            RunRecord existing = runs.get(sameTag);
            if (existing.state().active() && request.rerunAllowed()) {
                return new Submission.Conflict(existing);
            }
            if (!request.rerunAllowed()) {
                RunRecord updated = existing.withDelivery(request.delivery());
                if (updated != existing) {
                    remember(updated);
                }
                return new Submission.Duplicate(updated);
            }
        }
        Set<String> busy = activeRunsByRelease.get(releaseKey(request.kind(), request.tag(), request.version()));
        if (busy != null && !busy.isEmpty()) {
            return new Submission.Conflict(runs.get(busy.iterator().next()));
        }
        String id = ID_TIME.format(now) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
        RunRecord run = new RunRecord(id, request.kind(), request.tag(), request.version(), request.source(),
                request.delivery() == null ? List.of() : List.of(request.delivery()), request.cloneUrl(), request.commit(),
                request.dryRun(), request.skipTests(), RunState.QUEUED, 0, now, null, null, null, null,
                request.skipNuget(), request.skipContainer());
        remember(run);
        return new Submission.Accepted(run);
    }

    /**
     * What a run writes: two runs with the same key would write the same release directory or target. A suite
     * version (whatever its tag, e.g. -lts); one module's version (modules share version numbers, so the module
     * counts too); one rollback at a time per module, and per suite (its images and its Helm release).
     */
    static String releaseKey(String kind, String tag, String version) {
        return switch (kind) {
            case "rollback" -> {
                var rollback = io.stellarelease.rollback.RollbackTag.parse(tag);
                yield rollback.target().equals("module") ? "rollback/module-" + rollback.module() : "rollback/suite";
            }
            case "module" -> "module/" + ModuleTagParser.nameInTag(tag) + "/" + version;
            default -> kind + "/" + version;
        };
    }

    /** Records this version of a run and returns once it is on disk. */
    public void save(RunRecord run) {
        remember(run);
        persist(run.id());
    }

    /** Changes a run from its current record, so concurrent changes (a delivery added, a state change) both stay. */
    public RunRecord update(String id, java.util.function.UnaryOperator<RunRecord> change) {
        RunRecord updated;
        synchronized (this) {
            updated = change.apply(runs.get(id));
            remember(updated);
        }
        persist(id);
        return updated;
    }

    /** Puts a record in memory with its indexes; returns its version. */
    private synchronized long remember(RunRecord run) {
        RunRecord previous = runs.put(run.id(), run);
        long version = ++nextVersion;
        versions.put(run.id(), version);
        for (String delivery : run.deliveries()) {
            runByDelivery.putIfAbsent(delivery, run.id());
        }
        if (previous == null) {
            String latest = latestRunByTag.get(run.tag());
            if (latest == null || !run.createdAt().isBefore(runs.get(latest).createdAt())) {
                latestRunByTag.put(run.tag(), run.id());
            }
        }
        String release = releaseKey(run.kind(), run.tag(), run.version());
        if (run.state().active()) {
            activeRunsByRelease.computeIfAbsent(release, k -> new LinkedHashSet<>()).add(run.id());
        } else {
            forgetActive(release, run.id());
        }
        return version;
    }

    private void forgetActive(String release, String id) {
        Set<String> active = activeRunsByRelease.get(release);
        if (active != null && active.remove(id) && active.isEmpty()) {
            activeRunsByRelease.remove(release);
        }
    }

    /** Undoes a new run whose record could not be written: it was never acknowledged. */
    private synchronized void forget(RunRecord run) {
        runs.remove(run.id());
        versions.remove(run.id());
        forgetActive(releaseKey(run.kind(), run.tag(), run.version()), run.id());
        run.deliveries().forEach(d -> runByDelivery.remove(d, run.id()));
        if (run.id().equals(latestRunByTag.get(run.tag()))) {
            latestRunByTag.remove(run.tag());
            runs.values().stream().filter(r -> r.tag().equals(run.tag()))
                    .max(Comparator.comparing(RunRecord::createdAt))
                    .ifPresent(r -> latestRunByTag.put(r.tag(), r.id()));
        }
    }

    private record Versioned(RunRecord run, long version) { }

    private synchronized Versioned latest(String id) {
        return new Versioned(runs.get(id), versions.getOrDefault(id, 0L));
    }

    /**
     * Writes the run's latest record unless a version at least as new is on disk already. Every writer
     * writes the newest record under the run's lock, so the file never goes back to an older one.
     */
    private void persist(String id) {
        synchronized (writeLocks.computeIfAbsent(id, k -> new Object())) {
            Versioned latest = latest(id);
            if (latest.run() == null || latest.version() <= durableVersions.getOrDefault(id, 0L)) {
                return;
            }
            try {
                Files2.writeDurably(runsDir.resolve(id + ".json"), json.writeValueAsBytes(latest.run()));
            } catch (IOException e) {
                throw new UncheckedIOException("could not record run " + id + " in " + runsDir, e);
            }
            durableVersions.put(id, latest.version());
        }
    }

    public Optional<RunRecord> get(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    /** Runs, newest first, optionally only those in one state. */
    public List<RunRecord> list(RunState state) {
        return runs.values().stream()
                .filter(r -> state == null || r.state() == state)
                .sorted(Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::id).reversed())
                .toList();
    }
}
