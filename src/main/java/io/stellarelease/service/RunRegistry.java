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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The durable record of runs: one JSON file per run under {@code <state>/runs/}, written and flushed to
 * disk before a request is acknowledged, so an accepted release survives a crash. Submissions are
 * serialised here, which is what makes one tag start exactly one run however its deliveries interleave.
 */
public class RunRegistry {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path runsDir;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private final Map<String, RunRecord> runs = new ConcurrentHashMap<>();

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

    private void load() {
        if (!Files.isDirectory(runsDir)) {
            return;
        }
        try (Stream<Path> files = Files.list(runsDir)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".json"))::iterator) {
                RunRecord run = json.readValue(file.toFile(), RunRecord.class);
                runs.put(run.id(), run);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the run records in " + runsDir, e);
        }
    }

    /**
     * Records a request as a run, or says why not. A tag that already has a run gets that run back
     * (a redelivered or second webhook for the same tag), unless the request may start a re-run and
     * the old run is finished. A version with an active run refuses a second one.
     */
    public synchronized Submission submit(RunRequest request, Instant now) {
        // The same delivery again (a redelivered webhook, a queue message seen before a crash): its run.
        if (request.delivery() != null) {
            Optional<RunRecord> delivered = runs.values().stream()
                    .filter(r -> r.deliveries().contains(request.delivery())).findFirst();
            if (delivered.isPresent()) {
                return new Submission.Duplicate(delivered.get());
            }
        }
        Optional<RunRecord> sameTag = latestForTag(request.tag());
        if (sameTag.isPresent()) {
            RunRecord existing = sameTag.get();
            if (existing.state().active() && request.rerunAllowed()) {
                return new Submission.Conflict(existing);
            }
            if (!request.rerunAllowed()) {
                RunRecord updated = existing.withDelivery(request.delivery());
                if (updated != existing) {
                    save(updated);
                }
                return new Submission.Duplicate(updated);
            }
        }
        Optional<RunRecord> busy = runs.values().stream()
                .filter(r -> r.state().active() && sameRelease(r, request))
                .findFirst();
        if (busy.isPresent()) {
            return new Submission.Conflict(busy.get());
        }
        String id = ID_TIME.format(now) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
        RunRecord run = new RunRecord(id, request.kind(), request.tag(), request.version(), request.source(),
                request.delivery() == null ? List.of() : List.of(request.delivery()), request.cloneUrl(), request.commit(),
                request.dryRun(), request.skipTests(), RunState.QUEUED, 0, now, null, null, null, null,
                request.skipNuget(), request.skipContainer());
        save(run);
        return new Submission.Accepted(run);
    }

    /**
     * Two requests that would write the same release directory: a suite version (whatever its tag, e.g. -lts), or
     * one module's version (modules share version numbers, so the module counts too).
     */
    private static boolean sameRelease(RunRecord run, RunRequest request) {
        if ("rollback".equals(run.kind()) && "rollback".equals(request.kind())) {
            // One rollback at a time per module, and per suite (its images and its Helm release).
            return rollbackTarget(run.tag()).equals(rollbackTarget(request.tag()));
        }
        if (!run.kind().equals(request.kind()) || !run.version().equals(request.version())) {
            return false;
        }
        return !"module".equals(run.kind())
                || ModuleTagParser.nameInTag(run.tag()).equals(ModuleTagParser.nameInTag(request.tag()));
    }

    private static String rollbackTarget(String tag) {
        var rollback = io.stellarelease.rollback.RollbackTag.parse(tag);
        return rollback.target().equals("module") ? "module-" + rollback.module() : "suite";
    }

    public synchronized void save(RunRecord run) {
        try {
            Files2.writeDurably(runsDir.resolve(run.id() + ".json"), json.writeValueAsBytes(run));
        } catch (IOException e) {
            throw new UncheckedIOException("could not record run " + run.id() + " in " + runsDir, e);
        }
        runs.put(run.id(), run);
    }

    /** Changes a run from its current record, so concurrent changes (a delivery added, a state change) both stay. */
    public synchronized RunRecord update(String id, java.util.function.UnaryOperator<RunRecord> change) {
        RunRecord updated = change.apply(runs.get(id));
        save(updated);
        return updated;
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

    private Optional<RunRecord> latestForTag(String tag) {
        return runs.values().stream().filter(r -> r.tag().equals(tag)).max(Comparator.comparing(RunRecord::createdAt));
    }
}
