package io.stellarelease.sharedstore;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stellarelease.pipeline.LeaseLostException;
import io.stellarelease.pipeline.RunStore;
import io.stellarelease.service.RunRecord;
import io.stellarelease.service.RunRecords;
import io.stellarelease.service.RunRegistry;
import io.stellarelease.service.RunRequest;
import io.stellarelease.service.RunState;
import io.stellarelease.service.Submission;
import io.stellarelease.util.Files2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Runs in the shared PostgreSQL store. What a request becomes follows the same rules as {@link RunRegistry} (README
 * "The release service"), decided in one transaction, with the database as the arbiter between instances: a
 * delivery is one run's (primary key), a pushed tag has one run (unique index), a release has one active run
 * (partial unique index); a transaction that loses a race to another instance is decided again and finds the
 * winner's run.
 * <p><b>Claims.</b> An instance executes a run only while it holds the run's lease: claiming sets the owner, a
 * new lease generation and the lease's expiry, and records an attempt (claimed, or taken over from the previous
 * owner whose lease expired). A background thread renews the leases this instance holds every third of the
 * lease. Every write of a run made for its execution is fenced: {@code UPDATE ... WHERE lease_generation = ?},
 * and a write that matches no row means the run was taken over: {@link LeaseLostException}, nothing written.
 * Besides, this instance counts its lease as lost as soon as its own monotonic clock passes the last renewal
 * plus the lease, so an instance that was paused (SIGSTOP, a long GC) stops before its next stage without
 * asking the database.
 */
public class PgRunRecords implements RunRecords, RunStore.Shared, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgRunRecords.class);
    private static final String ACTIVE = "('queued', 'running', 'interrupted')";
    private static final String UNIQUE_VIOLATION = "23505";

    /** What happens to this instance's claims, for the metrics. */
    public interface Events {
        void claimed(String runId, boolean takeOver);

        void lost(String runId);
    }

    private final SharedStore store;
    private final String instance;
    private final Duration lease;
    private final Path runsDir;
    private final RunRegistry.Retention retention;
    private final Events events;
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewer;

    /** A lease this instance holds: its generation (the fencing token) and, by this JVM's clock, until when. */
    private static final class Claim {
        final long generation;
        volatile long validUntilNanos;
        volatile boolean lost;

        Claim(long generation, long validUntilNanos) {
            this.generation = generation;
            this.validUntilNanos = validUntilNanos;
        }
    }

    public PgRunRecords(SharedStore store, String instance, Duration lease, Path stateDir, RunRegistry.Retention retention,
                        Events events) {
        if (lease.isNegative() || lease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("stella.store.lease must be at least PT1S: got " + lease);
        }
        this.store = store;
        this.instance = instance;
        this.lease = lease;
        this.runsDir = stateDir.resolve("runs").toAbsolutePath().normalize();
        this.retention = retention;
        this.events = events;
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stella-lease-renewal");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, lease.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renewAll, every, every, TimeUnit.MILLISECONDS);
    }

    public String instance() {
        return instance;
    }

    public Duration lease() {
        return lease;
    }

    /** The runs this instance holds now (for /observe/health). */
    public List<String> held() {
        return claims.entrySet().stream().filter(e -> held(e.getKey())).map(Map.Entry::getKey).sorted().toList();
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public Path runsDir() {
        return runsDir;
    }

    // ---- requests -------------------------------------------------------------------------------------------

    @Override
    public Submission submit(RunRequest request, Instant now) {
        for (int round = 0; ; round++) {
            try (Connection c = store.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try {
                    Submission s = round == 0 ? acceptIfNew(c, request, now) : null;
                    if (s == null && round == 0) {
                        c.rollback(); // not new, or it lost a race: the full decision, in a transaction of its own
                    }
                    if (s == null) {
                        s = decide(c, request, now);
                    }
                    if (s == null) {
                        c.rollback();
                        if (round < 10) {
                            continue;
                        }
                        throw new IllegalStateException("the request for " + request.tag() + " kept meeting runs of its tag "
                                + "committed by other instances meanwhile");
                    }
                    c.commit();
                    return s;
                } catch (SQLException e) {
                    c.rollback();
                    if (UNIQUE_VIOLATION.equals(e.getSQLState()) && round < 10) {
                        continue; // another instance decided first: decide again, now seeing its run
                    }
                    throw e;
                }
            } catch (SQLException e) {
                throw new IllegalStateException("could not record the request for " + request.tag() + " in the shared store: "
                        + e.getMessage(), e);
            }
        }
    }

    /** The request's decision, or null when a concurrent commit made the look-ups disagree: decide again. */
    private Submission decide(Connection c, RunRequest request, Instant now) throws SQLException {
        if (request.delivery() != null) {
            try (PreparedStatement q = c.prepareStatement("select r.record from deliveries d join runs r on r.id = d.run_id where d.delivery = ?")) {
                q.setString(1, request.delivery());
                RunRecord delivered = one(q);
                if (delivered != null) {
                    return new Submission.Duplicate(delivered);
                }
            }
        }
        RunRecord existing;
        try (PreparedStatement q = c.prepareStatement(
                "select record from runs where tag = ? and dry_run = ? order by created_at desc, id desc limit 1 for update")) {
            q.setString(1, request.tag());
            q.setBoolean(2, request.dryRun());
            existing = one(q);
        }
        if (existing != null) {
            if (!request.rerunAllowed()) {
                if (existing.state() == RunState.FAILED) {
                    RunRecord busy = activeRun(c, request);
                    if (busy != null) {
                        return new Submission.Conflict(busy);
                    }
                    RunRecord again = existing.withDelivery(request.delivery()).requeued();
                    write(c, again, null);
                    addDelivery(c, request.delivery(), again.id());
                    return new Submission.Retried(again);
                }
                RunRecord updated = existing.withDelivery(request.delivery());
                if (updated != existing) {
                    write(c, updated, null);
                    addDelivery(c, request.delivery(), updated.id());
                }
                return new Submission.Duplicate(updated);
            }
            if (existing.state().active()) {
                return new Submission.Conflict(existing);
            }
        }
        RunRecord busy = activeRun(c, request);
        if (busy != null) {
            if (existing == null && busy.tag().equals(request.tag())) {
                // Another instance committed this tag's run after the look-up above (each statement sees what is
                // committed when it starts): decide again, now seeing it as the tag's run (a duplicate, not a 409).
                return null;
            }
            return new Submission.Conflict(busy);
        }
        RunRecord run = newRun(request, now);
        try (PreparedStatement insert = c.prepareStatement(INSERT_RUN)) {
            bindRun(insert, 1, run, request);
            insert.executeUpdate();
        }
        addDelivery(c, request.delivery(), run.id());
        return new Submission.Accepted(run);
    }

    private static final String INSERT_RUN = "insert into runs (id, kind, tag, version, release_key, dry_run, pushed, state, "
            + "created_at, record) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)";

    /**
     * The common request, a new delivery of a tag with no run and no active run of its release, accepted in one round
     * trip and the commit instead of six: the three look-ups of {@link #decide} and both inserts go to the database
     * as one compound statement (one write; the look-ups run first, in the same transaction), and the run is kept
     * only when every look-up found nothing, which is exactly when {@code decide} would have inserted it. Anything
     * else (a look-up found a row, or an insert met another instance's commit) is null, and the caller rolls back and
     * decides in full. Profiled in the PostgreSQL intake bench: each statement's round trip costs both processes more
     * CPU than its execution.
     */
    private Submission acceptIfNew(Connection c, RunRequest request, Instant now) throws SQLException {
        boolean delivered = request.delivery() != null;
        RunRecord run = newRun(request, now);
        String sql = (delivered ? "select 1 from deliveries where delivery = ?;" : "")
                + "select 1 from runs where tag = ? and dry_run = ? limit 1 for update;"
                + "select 1 from runs where release_key = ? and dry_run = ? and state in " + ACTIVE + " limit 1;"
                + INSERT_RUN + (delivered ? ";insert into deliveries (delivery, run_id) values (?, ?)" : "");
        try (PreparedStatement q = c.prepareStatement(sql)) {
            int i = 1;
            if (delivered) {
                q.setString(i++, request.delivery());
            }
            q.setString(i++, request.tag());
            q.setBoolean(i++, request.dryRun());
            q.setString(i++, RunRegistry.releaseKey(request.kind(), request.tag(), request.version()));
            q.setBoolean(i++, request.dryRun());
            i = bindRun(q, i, run, request);
            if (delivered) {
                q.setString(i++, request.delivery());
                q.setString(i, run.id());
            }
            boolean isResult = q.execute();
            for (int lookups = delivered ? 3 : 2; lookups > 0; lookups--) {
                try (ResultSet rs = q.getResultSet()) {
                    if (!isResult || rs.next()) {
                        return null;
                    }
                }
                isResult = q.getMoreResults();
            }
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (state != null && (state.startsWith("23") || state.startsWith("40"))) {
                return null; // an integrity rule or a concurrent transaction: the full decision says what it means
            }
            throw e;
        }
        return new Submission.Accepted(run);
    }

    private static RunRecord newRun(RunRequest request, Instant now) {
        // Microseconds: what the database keeps, so a page's position compares equal to the stored row.
        Instant created = now.truncatedTo(ChronoUnit.MICROS);
        return new RunRecord(RunRegistry.newId(created), request.kind(), request.tag(), request.version(), request.source(),
                request.delivery() == null ? List.of() : List.of(request.delivery()), request.cloneUrl(), request.commit(),
                request.dryRun(), request.skipTests(), RunState.QUEUED, 0, created, null, null, null, null,
                request.skipNuget(), request.skipContainer());
    }

    /** Binds {@link #INSERT_RUN}'s ten parameters from {@code first}; the next parameter's index. */
    private int bindRun(PreparedStatement insert, int first, RunRecord run, RunRequest request) throws SQLException {
        int i = first;
        insert.setString(i++, run.id());
        insert.setString(i++, run.kind());
        insert.setString(i++, run.tag());
        insert.setString(i++, run.version());
        insert.setString(i++, RunRegistry.releaseKey(run));
        insert.setBoolean(i++, run.dryRun());
        insert.setBoolean(i++, !request.rerunAllowed());
        insert.setString(i++, run.state().label());
        insert.setTimestamp(i++, Timestamp.from(run.createdAt()));
        insert.setString(i++, text(run));
        return i;
    }

    private RunRecord activeRun(Connection c, RunRequest request) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select record from runs where release_key = ? and dry_run = ? and state in "
                + ACTIVE + " order by created_at limit 1")) {
            q.setString(1, RunRegistry.releaseKey(request.kind(), request.tag(), request.version()));
            q.setBoolean(2, request.dryRun());
            return one(q);
        }
    }

    private static void addDelivery(Connection c, String delivery, String runId) throws SQLException {
        if (delivery == null) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement("insert into deliveries (delivery, run_id) values (?, ?)")) {
            insert.setString(1, delivery);
            insert.setString(2, runId);
            insert.executeUpdate();
        }
    }

    // ---- records --------------------------------------------------------------------------------------------

    @Override
    public void save(RunRecord run) {
        update(run.id(), r -> run);
    }

    /**
     * Changes a run from its current record, in one transaction. While this instance holds the run the write is
     * fenced by its lease generation: when another instance has taken the run over, nothing is written and
     * {@link LeaseLostException} says so.
     */
    @Override
    public RunRecord update(String id, UnaryOperator<RunRecord> change) {
        Claim claim = claims.get(id);
        if (claim != null && !held(id)) {
            lose(id);
            throw new LeaseLostException(id); // expired by this instance's clock: write nothing, even if not taken over yet
        }
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                RunRecord current;
                try (PreparedStatement q = c.prepareStatement("select record from runs where id = ? for update")) {
                    q.setString(1, id);
                    current = one(q);
                }
                if (current == null) {
                    throw new IllegalStateException("no run " + id + " in the shared store");
                }
                RunRecord updated = change.apply(current);
                if (!write(c, updated, claim)) {
                    c.rollback();
                    lose(id);
                    throw new LeaseLostException(id);
                }
                c.commit();
                return updated;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not record run " + id + " in the shared store: " + e.getMessage(), e);
        }
    }

    /** Writes the record; fenced by {@code claim}'s generation when given. False when the fence did not match. */
    private boolean write(Connection c, RunRecord run, Claim claim) throws SQLException {
        String sql = "update runs set record = ?::jsonb, state = ? where id = ?" + (claim != null ? " and lease_generation = ? and owner = ?" : "");
        try (PreparedStatement u = c.prepareStatement(sql)) {
            u.setString(1, text(run));
            u.setString(2, run.state().label());
            u.setString(3, run.id());
            if (claim != null) {
                u.setLong(4, claim.generation);
                u.setString(5, instance);
            }
            return u.executeUpdate() == 1;
        }
    }

    @Override
    public Optional<RunRecord> get(String id) {
        return query("select record from runs where id = ?", q -> q.setString(1, id)).stream().findFirst();
    }

    @Override
    public List<RunRecord> list(RunState state) {
        return query("select record from runs" + (state == null ? "" : " where state = ?") + " order by created_at desc, id desc",
                q -> {
                    if (state != null) {
                        q.setString(1, state.label());
                    }
                });
    }

    @Override
    public RunRegistry.Page page(RunState state, RunRegistry.Position after, int limit) {
        StringBuilder sql = new StringBuilder("select record from runs where true");
        if (state != null) {
            sql.append(" and state = ?");
        }
        if (after != null) {
            sql.append(" and (created_at, id) < (?, ?)");
        }
        sql.append(" order by created_at desc, id desc limit ?");
        List<RunRecord> matching = query(sql.toString(), q -> {
            int i = 1;
            if (state != null) {
                q.setString(i++, state.label());
            }
            if (after != null) {
                q.setTimestamp(i++, Timestamp.from(after.createdAt()));
                q.setString(i++, after.id());
            }
            q.setInt(i, limit + 1);
        });
        if (matching.size() <= limit) {
            return new RunRegistry.Page(matching, null);
        }
        List<RunRecord> page = matching.subList(0, limit);
        return new RunRegistry.Page(page, RunRegistry.Position.of(page.get(limit - 1)));
    }

    /**
     * One page of the finished runs, oldest first, after the last one read (keyset). The limit keeps the plan on the
     * partial index {@code runs_finished_oldest_first} whatever the table's statistics say. Unpaged, the planner
     * needs statistics to see that few rows are finished: on a table not analyzed yet (the first minute of a new
     * store) or analyzed before a flood of queued runs, it read and sorted every run after every run's end (8-13 ms
     * a run at 20,000 queued runs, the largest statement of the PostgreSQL intake bench).
     */
    static final String FINISHED_PAGE = "select id, created_at, record->>'finishedAt' from runs where state not in " + ACTIVE
            + " and (created_at, id) > (?, ?) order by created_at, id limit ?";
    static final int FINISHED_PAGE_SIZE = 500;

    @Override
    public List<RunRecord> prune(Instant now) {
        // Each finished run's id and end, not its record: this runs after every run, over up to max-count rows.
        record Finished(String id, Instant ended) { }
        List<Finished> finished = new ArrayList<>();
        long counted;
        try (Connection c = store.dataSource().getConnection()) {
            try (PreparedStatement q = c.prepareStatement(FINISHED_PAGE)) {
                Timestamp after = new Timestamp(org.postgresql.PGStatement.DATE_NEGATIVE_INFINITY); // sent as -infinity
                String afterId = "";
                int read;
                do {
                    q.setTimestamp(1, after);
                    q.setString(2, afterId);
                    q.setInt(3, FINISHED_PAGE_SIZE);
                    read = 0;
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) {
                            read++;
                            afterId = rs.getString(1);
                            after = rs.getTimestamp(2);
                            String end = rs.getString(3);
                            finished.add(new Finished(afterId, end != null ? Instant.parse(end) : after.toInstant()));
                        }
                    }
                } while (read == FINISHED_PAGE_SIZE);
            }
            // How many runs there are over max-count, counted no further than the finished runs can make up (active
            // runs are never pruned): a flood of queued runs makes this no dearer than a store at its limit.
            try (PreparedStatement q = c.prepareStatement("select count(*) from (select 1 from runs limit ?) counted")) {
                q.setLong(1, (long) retention.maxCount() + finished.size());
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    counted = rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the finished runs from the shared store: " + e.getMessage(), e);
        }
        long excess = counted - retention.maxCount();
        Instant cutoff = now.minus(retention.maxAge());
        List<RunRecord> pruned = new ArrayList<>();
        for (Finished run : finished) {
            if (excess <= 0 && !run.ended().isBefore(cutoff)) {
                continue;
            }
            excess--;
            // Only while still finished: a pushed tag's failed run may have been queued again meanwhile (and then its
            // run directory is in use).
            List<RunRecord> deleted = query("delete from runs where id = ? and state not in " + ACTIVE + " returning record",
                    q -> q.setString(1, run.id()));
            if (deleted.isEmpty()) {
                continue;
            }
            pruned.addAll(deleted);
            try {
                Files2.deleteRecursively(runDir(run.id()));
            } catch (IOException e) {
                LOG.warn("could not delete the run directory of pruned run {}: {}", run.id(), e.getMessage());
            }
        }
        if (!pruned.isEmpty()) {
            LOG.info("pruned {} finished run record(s) from the shared store", pruned.size());
        }
        return pruned;
    }

    // ---- claims ---------------------------------------------------------------------------------------------

    @Override
    public List<String> claimable() {
        List<String> ids = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement q = c.prepareStatement("select id from runs where state in " + ACTIVE
                     + " and (owner is null or lease_expires_at < now()) order by created_at, id limit 200")) {
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the runs to claim: " + e.getMessage(), e);
        }
        return ids;
    }

    /**
     * Claims run {@code id}: when it is active, nobody holds a live lease on it, and no other run of its release is
     * held by anyone. The previous owner's lease generation is superseded, so its writes no longer land.
     */
    @Override
    public boolean claim(String id) {
        long started = System.nanoTime();
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                String releaseKey;
                try (PreparedStatement q = c.prepareStatement("select release_key from runs where id = ?")) {
                    q.setString(1, id);
                    try (ResultSet rs = q.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return false;
                        }
                        releaseKey = rs.getString(1);
                    }
                }
                // One claim at a time per release, across instances: a dry run and a real run of one version never run together.
                try (PreparedStatement lock = c.prepareStatement("select pg_advisory_xact_lock(hashtext(?))")) {
                    lock.setString(1, releaseKey);
                    lock.execute();
                }
                String previous;
                long generation;
                try (PreparedStatement q = c.prepareStatement("select owner, lease_generation, state in " + ACTIVE
                        + " as active, owner is not null and lease_expires_at >= now() as live from runs where id = ? for update")) {
                    q.setString(1, id);
                    try (ResultSet rs = q.executeQuery()) {
                        if (!rs.next() || !rs.getBoolean("active") || rs.getBoolean("live")) {
                            c.rollback();
                            return false;
                        }
                        previous = rs.getString("owner");
                        generation = rs.getLong("lease_generation") + 1;
                    }
                }
                try (PreparedStatement q = c.prepareStatement("select 1 from runs where release_key = ? and id <> ? and state in "
                        + ACTIVE + " and owner is not null and lease_expires_at >= now() limit 1")) {
                    q.setString(1, releaseKey);
                    q.setString(2, id);
                    try (ResultSet rs = q.executeQuery()) {
                        if (rs.next()) {
                            c.rollback();
                            return false; // another run of this release is executing (here or elsewhere): later
                        }
                    }
                }
                try (PreparedStatement u = c.prepareStatement("update runs set owner = ?, lease_generation = ?, "
                        + "lease_expires_at = now() + ? * interval '1 millisecond' where id = ?")) {
                    u.setString(1, instance);
                    u.setLong(2, generation);
                    u.setLong(3, lease.toMillis());
                    u.setString(4, id);
                    u.executeUpdate();
                }
                if (previous != null) {
                    try (PreparedStatement u = c.prepareStatement(
                            "update attempts set ended_at = coalesce(ended_at, now()) where run_id = ? and generation < ?")) {
                        u.setString(1, id);
                        u.setLong(2, generation);
                        u.executeUpdate();
                    }
                }
                try (PreparedStatement insert = c.prepareStatement("insert into attempts (run_id, instance, event, previous_owner, "
                        + "generation) values (?, ?, ?, ?, ?)")) {
                    insert.setString(1, id);
                    insert.setString(2, instance);
                    insert.setString(3, previous == null ? "claimed" : "taken-over");
                    insert.setString(4, previous);
                    insert.setLong(5, generation);
                    insert.executeUpdate();
                }
                c.commit();
                claims.put(id, new Claim(generation, started + lease.toNanos()));
                if (previous != null) {
                    LOG.info("run {}: taken over from {} (its lease expired), lease generation {}", id, previous, generation);
                } else {
                    LOG.info("run {}: claimed by {}, lease generation {}", id, instance, generation);
                }
                events.claimed(id, previous != null);
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            LOG.warn("could not claim run {}: {}", id, e.getMessage());
            return false;
        }
    }

    @Override
    public void release(String id) {
        Claim claim = claims.remove(id);
        if (claim == null || claim.lost) {
            return;
        }
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement u = c.prepareStatement("update runs set owner = null, lease_expires_at = null "
                    + "where id = ? and owner = ? and lease_generation = ?");
                 PreparedStatement a = c.prepareStatement("update attempts set ended_at = now() where run_id = ? and generation = ?")) {
                u.setString(1, id);
                u.setString(2, instance);
                u.setLong(3, claim.generation);
                u.executeUpdate();
                a.setString(1, id);
                a.setLong(2, claim.generation);
                a.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            LOG.warn("could not release run {} (its lease expires by itself): {}", id, e.getMessage());
        }
    }

    /** Renews every lease this instance holds; a lease the database no longer gives this instance is lost. */
    private void renewAll() {
        for (Map.Entry<String, Claim> e : claims.entrySet()) {
            Claim claim = e.getValue();
            if (claim.lost) {
                continue;
            }
            long started = System.nanoTime();
            if (started > claim.validUntilNanos) {
                lose(e.getKey()); // expired by this instance's clock before it could renew (paused, store unreachable)
                continue;
            }
            try (Connection c = store.dataSource().getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement u = c.prepareStatement("update runs set lease_expires_at = now() + ? * interval '1 millisecond' "
                        + "where id = ? and owner = ? and lease_generation = ? and lease_expires_at >= now()");
                     PreparedStatement a = c.prepareStatement("update attempts set renewed_at = now(), renewals = renewals + 1 "
                             + "where run_id = ? and generation = ?")) {
                    u.setLong(1, lease.toMillis());
                    u.setString(2, e.getKey());
                    u.setString(3, instance);
                    u.setLong(4, claim.generation);
                    if (u.executeUpdate() == 1) {
                        a.setString(1, e.getKey());
                        a.setLong(2, claim.generation);
                        a.executeUpdate();
                        c.commit();
                        claim.validUntilNanos = started + lease.toNanos();
                    } else {
                        c.rollback();
                        lose(e.getKey());
                    }
                } catch (SQLException ex) {
                    c.rollback();
                    throw ex;
                }
            } catch (SQLException | RuntimeException ex) {
                LOG.warn("could not renew the lease on run {}: {}", e.getKey(), ex.getMessage());
            }
        }
    }

    private void lose(String id) {
        Claim claim = claims.get(id);
        if (claim != null && !claim.lost) {
            claim.lost = true;
            LOG.warn("run {}: lease generation {} lost; this instance stops working on the run", id, claim.generation);
            events.lost(id);
        }
    }

    @Override
    public List<Map<String, Object>> attempts(String id) {
        List<Map<String, Object>> attempts = new ArrayList<>();
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement q = c.prepareStatement("select instance, event, previous_owner, generation, claimed_at, renewed_at, "
                     + "renewals, ended_at from attempts where run_id = ? order by generation")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> a = new LinkedHashMap<>();
                    a.put("instance", rs.getString("instance"));
                    a.put("event", rs.getString("event"));
                    a.put("previousOwner", rs.getString("previous_owner"));
                    a.put("leaseGeneration", rs.getLong("generation"));
                    a.put("claimedAt", instant(rs.getTimestamp("claimed_at")));
                    a.put("renewedAt", instant(rs.getTimestamp("renewed_at")));
                    a.put("renewals", rs.getInt("renewals"));
                    a.put("endedAt", instant(rs.getTimestamp("ended_at")));
                    attempts.add(a);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the attempts of run " + id + ": " + e.getMessage(), e);
        }
        return attempts;
    }

    private static String instant(Timestamp t) {
        return t == null ? null : t.toInstant().toString();
    }

    // ---- pipeline state (RunStore.Shared) -------------------------------------------------------------------

    @Override
    public void save(String id, byte[] state) {
        Claim claim = claims.get(id);
        if (claim == null || !held(id)) {
            throw new LeaseLostException(id);
        }
        int rows = execute("update runs set pipeline_state = ?::jsonb where id = ? and owner = ? and lease_generation = ?", q -> {
            q.setString(1, new String(state, java.nio.charset.StandardCharsets.UTF_8));
            q.setString(2, id);
            q.setString(3, instance);
            q.setLong(4, claim.generation);
        });
        if (rows != 1) {
            lose(id);
            throw new LeaseLostException(id);
        }
    }

    @Override
    public Optional<byte[]> load(String id) {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement q = c.prepareStatement("select pipeline_state::text from runs where id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                String text = rs.next() ? rs.getString(1) : null;
                return Optional.ofNullable(text).map(t -> t.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the state of run " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<JsonNode> pipelineState(String id) {
        return load(id).map(bytes -> {
            try {
                return json.readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Held: claimed by this instance, not lost, and within the lease by this JVM's monotonic clock. */
    @Override
    public boolean held(String id) {
        Claim claim = claims.get(id);
        return claim != null && !claim.lost && System.nanoTime() < claim.validUntilNanos;
    }

    @Override
    public void close() {
        renewer.shutdownNow();
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    private interface Binder {
        void bind(PreparedStatement q) throws SQLException;
    }

    private List<RunRecord> query(String sql, Binder binder) {
        try (Connection c = store.dataSource().getConnection(); PreparedStatement q = c.prepareStatement(sql)) {
            binder.bind(q);
            List<RunRecord> runs = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    runs.add(parse(rs.getString(1)));
                }
            }
            return runs;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read runs from the shared store: " + e.getMessage(), e);
        }
    }

    private int execute(String sql, Binder binder) {
        try (Connection c = store.dataSource().getConnection(); PreparedStatement q = c.prepareStatement(sql)) {
            binder.bind(q);
            return q.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write to the shared store: " + e.getMessage(), e);
        }
    }

    private RunRecord one(PreparedStatement q) throws SQLException {
        try (ResultSet rs = q.executeQuery()) {
            return rs.next() ? parse(rs.getString(1)) : null;
        }
    }

    private RunRecord parse(String text) {
        try {
            return json.readValue(text, RunRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("a run record in the shared store is not readable", e);
        }
    }

    private String text(RunRecord run) {
        try {
            return json.writeValueAsString(run);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
