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
 * <p>Dry runs and real runs are two lanes: a dry run never answers for a real request of its tag or version,
 * nor the other way round (README "The release service" has the whole rule). Finished runs are pruned by
 * {@link Retention}; active ones never are.
 */
public class RunRegistry implements RunRecords {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunRegistry.class);
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
    // Keyed by lane: "real <tag>" / "dry <tag>", and the release key with the same prefix.
    private final Map<String, String> latestRunByTag = new HashMap<>();
    private final Map<String, Set<String>> activeRunsByRelease = new HashMap<>();
    // Every run per lane and tag (so forgetting the latest finds the one before without a scan), and the finished
    // runs oldest first (what retention may prune): a run's end and its pruning cost no scan of all runs.
    private final Map<String, Set<String>> runsByTag = new HashMap<>();
    private final java.util.NavigableMap<Position, String> finishedOldestFirst = new java.util.TreeMap<>(
            Comparator.comparing(Position::createdAt).thenComparing(Position::id));
    // Every run's position, newest first, so a page of the run list is a walk from its cursor, not a sort of every run.
    // Changed under this (with runs); read without a lock by page().
    private final java.util.NavigableSet<Position> newestFirst = new java.util.concurrent.ConcurrentSkipListSet<>(Position.NEWEST_FIRST);
    private final Retention retention;
    private long nextVersion;
    // Per run: the version on disk; a run's lock orders its writes.
    private final Map<String, Object> writeLocks = new ConcurrentHashMap<>();
    private final Map<String, Long> durableVersions = new ConcurrentHashMap<>();
    // New runs (and deliveries added to them) are recorded in the journal, group-committed; a run's own file is
    // written from its first change on (it starts), and from then on is its record. The runs with a file:
    private final Set<String> onFile = ConcurrentHashMap.newKeySet();
    private final com.fasterxml.jackson.databind.ObjectWriter compact;
    private final RunJournal journal;
    /** A journal file is started afresh past this size. */
    static final long JOURNAL_SEGMENT_BYTES = 8L * 1024 * 1024;
    private final long journalSegmentBytes;

    /** How long finished runs are kept, and how many runs at most (active runs are never pruned). */
    public record Retention(java.time.Duration maxAge, int maxCount) {
        public static final Retention DEFAULT = new Retention(java.time.Duration.ofDays(90), 1000);

        public Retention {
            if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("stella.runs.retention.max-age must be a positive ISO-8601 duration "
                        + "(e.g. P90D): got " + maxAge);
            }
            if (maxCount < 1) {
                throw new IllegalArgumentException("stella.runs.retention.max-count must be at least 1: got " + maxCount);
            }
        }
    }

    public RunRegistry(Path stateDir) {
        this(stateDir, Retention.DEFAULT);
    }

    public RunRegistry(Path stateDir, Retention retention) {
        this(stateDir, retention, JOURNAL_SEGMENT_BYTES);
    }

    /** With journal files started afresh past {@code journalSegmentBytes} (tests: small, to rotate often). */
    RunRegistry(Path stateDir, Retention retention, long journalSegmentBytes) {
        this.runsDir = stateDir.resolve("runs").toAbsolutePath().normalize();
        this.retention = retention;
        this.journalSegmentBytes = journalSegmentBytes;
        this.compact = json.writer().without(SerializationFeature.INDENT_OUTPUT);
        this.journal = load();
    }

    @Override
    public Path runsDir() {
        return runsDir;
    }

    /** A run's own directory: its checkout lives there. */
    @Override
    public Path runDir(String id) {
        return runsDir.resolve(id);
    }

    /**
     * Reads the runs' own files, then the journal (records of runs without a file yet; a torn record at its end
     * is cut off), and opens the journal for new records.
     */
    private synchronized RunJournal load() {
        try {
            if (Files.isDirectory(runsDir)) {
                try (Stream<Path> files = Files.list(runsDir)) {
                    for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".json"))::iterator) {
                        RunRecord run = json.readValue(file.toFile(), RunRecord.class);
                        long version = remember(run);
                        durableVersions.put(run.id(), version);
                        onFile.add(run.id());
                    }
                }
            }
            // The journal, oldest first: a run's last record wins unless it has a file (newer by construction);
            // a D cancels the records before it (the run was pruned).
            Map<String, RunRecord> journaled = new java.util.LinkedHashMap<>();
            Map<Long, Set<String>> puts = new HashMap<>();
            for (var segment : RunJournal.readAll(runsDir).entrySet()) {
                Set<String> ids = new java.util.HashSet<>();
                puts.put(segment.getKey(), ids);
                for (RunJournal.Read read : segment.getValue()) {
                    if (read.type() == RunJournal.DELETE) {
                        journaled.remove(read.id());
                        continue;
                    }
                    RunRecord run = json.readValue(read.json(), RunRecord.class);
                    ids.add(run.id());
                    if (!onFile.contains(run.id())) {
                        journaled.put(run.id(), run);
                    }
                }
            }
            for (RunRecord run : journaled.values()) {
                durableVersions.put(run.id(), remember(run));
            }
            return RunJournal.open(runsDir, journalSegmentBytes, puts, id -> !journaled.containsKey(id));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the run records in " + runsDir, e);
        }
    }

    /**
     * Records a request as a run, or says why not (README "The release service"). Within its lane (dry or
     * real): the same delivery is its run again; a pushed tag whose latest run failed gets that run back as a
     * new attempt, and otherwise the run the tag already has; a dispatch starts a new run unless its tag or
     * version has an active one. Runs of the other lane never count here: the {@link RunManager} runs the two
     * lanes of one release one after the other. Returns once what it answers is on disk.
     */
    @Override
    public Submission submit(RunRequest request, Instant now) {
        Decision decision = decide(request, now);
        Submission submission = decision.submission();
        try {
            persist(submission.run().id(), true);
        } catch (UncheckedIOException e) {
            if (submission instanceof Submission.Accepted accepted) {
                forget(accepted.run());
                journal.settled(accepted.run().id()); // nothing of it is kept
            } else if (decision.before() != null) {
                remember(decision.before()); // not acknowledged: the failed run stays failed, and is not run
            }
            throw e;
        }
        return submission;
    }

    /** A decision and the record it replaced (to put back when the new one cannot be written). */
    private record Decision(Submission submission, RunRecord before) { }

    private synchronized Decision decide(RunRequest request, Instant now) {
        // The same delivery again (a redelivered webhook, a queue message seen before a crash): its run.
        if (request.delivery() != null) {
            String delivered = runByDelivery.get(request.delivery());
            if (delivered != null) {
                return new Decision(new Submission.Duplicate(runs.get(delivered)), null);
            }
        }
        String sameTag = latestRunByTag.get(lane(request.dryRun(), request.tag()));
        if (sameTag != null) {
            RunRecord existing = runs.get(sameTag);
            if (!request.rerunAllowed()) {
                // A pushed tag: one run per tag. A failed one is attempted again, so Gitea's "redeliver" retries it.
                if (existing.state() == RunState.FAILED) {
                    RunRecord busy = activeRun(request);
                    if (busy != null) {
                        return new Decision(new Submission.Conflict(busy), null);
                    }
                    RunRecord again = existing.withDelivery(request.delivery()).requeued();
                    remember(again);
                    return new Decision(new Submission.Retried(again), existing);
                }
                RunRecord updated = existing.withDelivery(request.delivery());
                if (updated != existing) {
                    remember(updated);
                }
                return new Decision(new Submission.Duplicate(updated), null);
            }
            if (existing.state().active()) {
                return new Decision(new Submission.Conflict(existing), null);
            }
        }
        RunRecord busy = activeRun(request);
        if (busy != null) {
            return new Decision(new Submission.Conflict(busy), null);
        }
        String id = newId(now);
        RunRecord run = new RunRecord(id, request.kind(), request.tag(), request.version(), request.source(),
                request.delivery() == null ? List.of() : List.of(request.delivery()), request.cloneUrl(), request.commit(),
                request.dryRun(), request.skipTests(), RunState.QUEUED, 0, now, null, null, null, null,
                request.skipNuget(), request.skipContainer());
        remember(run);
        return new Decision(new Submission.Accepted(run), null);
    }

    /** A new run's id: its time of acceptance and a random suffix. */
    public static String newId(Instant now) {
        return ID_TIME.format(now) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
    }

    /** An active run of the request's release in the request's lane, or null. */
    private RunRecord activeRun(RunRequest request) {
        Set<String> busy = activeRunsByRelease.get(lane(request.dryRun(), releaseKey(request.kind(), request.tag(), request.version())));
        return busy == null || busy.isEmpty() ? null : runs.get(busy.iterator().next());
    }

    /** Dry runs and real runs are indexed apart: one never stands in for the other. */
    private static String lane(boolean dryRun, String key) {
        return (dryRun ? "dry " : "real ") + key;
    }

    /** The release key of a run (see {@link #releaseKey(String, String, String)}). */
    public static String releaseKey(RunRecord run) {
        return releaseKey(run.kind(), run.tag(), run.version());
    }

    /**
     * What a run writes: two runs with the same key would write the same release directory or target. A suite
     * version (whatever its tag, e.g. -lts); one module's version (modules share version numbers, so the module
     * counts too); one rollback at a time per module, and per suite (its images and its Helm release).
     */
    public static String releaseKey(String kind, String tag, String version) {
        return switch (kind) {
            case "rollback" -> {
                var rollback = io.stellarelease.rules.RollbackTag.parse(tag);
                yield rollback.target().equals("module") ? "rollback/module-" + rollback.module() : "rollback/suite";
            }
            case "module" -> "module/" + ModuleTagParser.nameInTag(tag) + "/" + version;
            default -> kind + "/" + version;
        };
    }

    /** Records this version of a run and returns once it is on disk. */
    @Override
    public void save(RunRecord run) {
        remember(run);
        persist(run.id(), false);
    }

    /** Changes a run from its current record, so concurrent changes (a delivery added, a state change) both stay. */
    @Override
    public RunRecord update(String id, java.util.function.UnaryOperator<RunRecord> change) {
        RunRecord updated;
        synchronized (this) {
            updated = change.apply(runs.get(id));
            remember(updated);
        }
        persist(id, false);
        return updated;
    }

    /** Puts a record in memory with its indexes; returns its version. */
    private synchronized long remember(RunRecord run) {
        RunRecord previous = runs.put(run.id(), run);
        if (previous == null || !previous.createdAt().equals(run.createdAt())) {
            if (previous != null) {
                newestFirst.remove(Position.of(previous));
            }
            newestFirst.add(Position.of(run));
        }
        long version = ++nextVersion;
        versions.put(run.id(), version);
        for (String delivery : run.deliveries()) {
            runByDelivery.putIfAbsent(delivery, run.id());
        }
        if (previous == null) {
            String tag = lane(run.dryRun(), run.tag());
            runsByTag.computeIfAbsent(tag, k -> new java.util.HashSet<>()).add(run.id());
            String latest = latestRunByTag.get(tag);
            if (latest == null || !run.createdAt().isBefore(runs.get(latest).createdAt())) {
                latestRunByTag.put(tag, run.id());
            }
        }
        String release = lane(run.dryRun(), releaseKey(run));
        if (run.state().active()) {
            activeRunsByRelease.computeIfAbsent(release, k -> new LinkedHashSet<>()).add(run.id());
            finishedOldestFirst.remove(Position.of(run));
        } else {
            forgetActive(release, run.id());
            finishedOldestFirst.put(Position.of(run), run.id());
        }
        return version;
    }

    private void forgetActive(String release, String id) {
        Set<String> active = activeRunsByRelease.get(release);
        if (active != null && active.remove(id) && active.isEmpty()) {
            activeRunsByRelease.remove(release);
        }
    }

    /** Drops a run from memory and its indexes: a new run whose record could not be written, or a pruned one. */
    private synchronized void forget(RunRecord run) {
        RunRecord forgotten = runs.remove(run.id());
        if (forgotten != null) {
            newestFirst.remove(Position.of(forgotten));
        }
        versions.remove(run.id());
        forgetActive(lane(run.dryRun(), releaseKey(run)), run.id());
        run.deliveries().forEach(d -> runByDelivery.remove(d, run.id()));
        finishedOldestFirst.remove(Position.of(run));
        String tag = lane(run.dryRun(), run.tag());
        Set<String> sameTag = runsByTag.get(tag);
        if (sameTag != null && sameTag.remove(run.id()) && sameTag.isEmpty()) {
            runsByTag.remove(tag);
        }
        if (run.id().equals(latestRunByTag.get(tag))) {
            latestRunByTag.remove(tag);
            if (sameTag != null) {
                sameTag.stream().map(runs::get).max(Comparator.comparing(RunRecord::createdAt))
                        .ifPresent(r -> latestRunByTag.put(tag, r.id()));
            }
        }
    }

    private record Versioned(RunRecord run, long version) { }

    private synchronized Versioned latest(String id) {
        return new Versioned(runs.get(id), versions.getOrDefault(id, 0L));
    }

    /**
     * Writes the run's latest record unless a version at least as new is on disk already: to the journal for an
     * intake's decision about a run that has no file yet ({@code journaled}), else to the run's own file. Every
     * writer writes the newest record under the run's lock, so the record never goes back to an older one, and
     * once a run has a file no journal record of it is newer.
     */
    private void persist(String id, boolean journaled) {
        synchronized (writeLocks.computeIfAbsent(id, k -> new Object())) {
            Versioned latest = latest(id);
            if (latest.run() == null || latest.version() <= durableVersions.getOrDefault(id, 0L)) {
                return;
            }
            try {
                if (journaled && !onFile.contains(id)) {
                    journal.put(id, compact.writeValueAsBytes(latest.run()));
                } else {
                    Files2.writeDurably(runsDir.resolve(id + ".json"), json.writeValueAsBytes(latest.run()));
                    if (onFile.add(id)) {
                        journal.settled(id);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not record run " + id + " in " + runsDir, e);
            }
            durableVersions.put(id, latest.version());
        }
    }

    @Override
    public Optional<RunRecord> get(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    /** Runs, newest first, optionally only those in one state. */
    @Override
    public List<RunRecord> list(RunState state) {
        return runs.values().stream()
                .filter(r -> state == null || r.state() == state)
                .sorted(NEWEST_FIRST)
                .toList();
    }

    private static final Comparator<RunRecord> NEWEST_FIRST =
            Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::id).reversed();

    /** Where a page of runs ends: the next page starts with the run listed after this one. */
    public record Position(Instant createdAt, String id) {
        /** The run list's order: newest first, by id (descending) among runs of one instant. */
        static final Comparator<Position> NEWEST_FIRST =
                Comparator.comparing(Position::createdAt).thenComparing(Position::id).reversed();

        public static Position of(RunRecord run) {
            return new Position(run.createdAt(), run.id());
        }

        /** Whether {@code run} is listed after this position (newest first). */
        public boolean before(RunRecord run) {
            int c = run.createdAt().compareTo(createdAt);
            return c < 0 || c == 0 && run.id().compareTo(id) < 0;
        }
    }

    /** One page of runs, newest first: those listed after {@code after} (null: from the newest), and where it ends. */
    public record Page(List<RunRecord> runs, Position next) { }

    /**
     * Up to {@code limit} runs (optionally in one state) listed after {@code after}, and the position to continue
     * from when more follow. Positions are keys, not offsets: runs accepted meanwhile do not shift a page.
     */
    @Override
    public Page page(RunState state, Position after, int limit) {
        // Walks the positions from the cursor on: the first limit + 1 matches, each read once.
        List<RunRecord> matching = new java.util.ArrayList<>(Math.min(limit, 256) + 1);
        for (Position position : after == null ? newestFirst : newestFirst.tailSet(after, false)) {
            RunRecord run = runs.get(position.id());
            if (run == null || !run.createdAt().equals(position.createdAt()) || state != null && run.state() != state) {
                continue; // forgotten (or re-recorded) while this walked; or another state
            }
            matching.add(run);
            if (matching.size() > limit) {
                break;
            }
        }
        if (matching.size() <= limit) {
            return new Page(matching, null);
        }
        List<RunRecord> page = matching.subList(0, limit);
        return new Page(List.copyOf(page), Position.of(page.get(limit - 1)));
    }

    /**
     * Applies the retention: forgets finished runs that ended longer ago than its age, then the oldest finished
     * runs while there are more runs than its count, and deletes their records and run directories. Active runs
     * (queued, running, interrupted) are never pruned. Returns the runs pruned.
     */
    @Override
    public List<RunRecord> prune(Instant now) {
        List<RunRecord> pruned = new java.util.ArrayList<>();
        synchronized (this) {
            Instant cutoff = now.minus(retention.maxAge());
            int excess = runs.size() - retention.maxCount();
            // Oldest first (by creation, then id), as the finished runs are indexed: no scan of the active ones.
            List<RunRecord> finished = finishedOldestFirst.values().stream().map(runs::get).toList();
            for (RunRecord run : finished) {
                Instant ended = run.finishedAt() != null ? run.finishedAt() : run.createdAt();
                if (excess > 0 || ended.isBefore(cutoff)) {
                    forget(run);
                    pruned.add(run);
                    excess--;
                }
            }
        }
        for (RunRecord run : pruned) {
            // Under the run's write lock, so no write of it is under way; it is out of memory, so none follows.
            synchronized (writeLocks.computeIfAbsent(run.id(), k -> new Object())) {
                try {
                    if (journal.holds(run.id())) {
                        journal.delete(run.id()); // before its file goes: the journal's record must not bring it back
                    }
                    Files.deleteIfExists(runsDir.resolve(run.id() + ".json"));
                    onFile.remove(run.id());
                    journal.settled(run.id());
                    Files2.deleteRecursively(runDir(run.id()));
                } catch (IOException e) {
                    // Read back at the next start, and pruned then.
                    LOG.warn("could not delete the record of pruned run {} in {}: {}", run.id(), runsDir, e.getMessage());
                }
                durableVersions.remove(run.id());
            }
            writeLocks.remove(run.id());
        }
        if (!pruned.isEmpty()) {
            LOG.info("pruned {} finished run record(s) (retention: {}, at most {} runs)", pruned.size(),
                    retention.maxAge(), retention.maxCount());
        }
        return pruned;
    }
}
