package io.stellarelease.sharedstore;

import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.pipeline.LeaseLostException;
import io.stellarelease.service.RunRecord;
import io.stellarelease.service.RunRegistry;
import io.stellarelease.service.RunRequest;
import io.stellarelease.service.RunState;
import io.stellarelease.service.Submission;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared store on the machine's real PostgreSQL (127.0.0.1:5432, database {@code test}), in a schema of its own
 * per test: two writers with pools of their own (two instances), the rules held by the database under concurrent
 * requests, claims, lease expiry, take-over and fenced writes.
 */
class PgRunRecordsTest {
    static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String USER = "postgres";

    private String schema;
    private SharedStore storeA;
    private SharedStore storeB;
    private PgRunRecords a;
    private PgRunRecords b;
    private Path state;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void open() throws Exception {
        schema = "stella_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        state = Files.createTempDirectory("stella-pgstore-");
        storeA = SharedStore.open(new SharedStore.Settings(URL, USER, null, schema, 8));
        storeB = SharedStore.open(new SharedStore.Settings(URL, USER, null, schema, 8)); // migrated already: no-op
        a = records(storeA, "instance-a", Duration.ofSeconds(30));
        b = records(storeB, "instance-b", Duration.ofSeconds(30));
    }

    private PgRunRecords records(SharedStore store, String instance, Duration lease) {
        return records(store, instance, lease, RunRegistry.Retention.DEFAULT);
    }

    private PgRunRecords records(SharedStore store, String instance, Duration lease, RunRegistry.Retention retention) {
        return new PgRunRecords(store, instance, lease, state.resolve(instance), retention,
                new PgRunRecords.Events() {
                    @Override
                    public void claimed(String runId, boolean takeOver) {
                        events.add(instance + (takeOver ? " took over " : " claimed ") + runId);
                    }

                    @Override
                    public void lost(String runId) {
                        events.add(instance + " lost " + runId);
                    }
                });
    }

    @AfterEach
    void drop() throws SQLException {
        for (AutoCloseable c : new AutoCloseable[] {a, b, storeA, storeB}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing anyway
            }
        }
        try (Connection c = DriverManager.getConnection(URL, USER, null); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + schema + " cascade");
        }
    }

    private static RunRequest pushed(String tag, String delivery) {
        String version = tag.replaceFirst("^module-[a-z]+-v", "");
        return new RunRequest("module", tag, version, "gitea", delivery, null, "abc", false, false, false);
    }

    private static RunRequest dispatched(String tag, String version) {
        return new RunRequest("suite", tag, version, "dispatch", null, null, null, false, false, true);
    }

    @Test
    void twoWritersMakeOneRunPerTagAndOneRunPerDelivery() throws Exception {
        // 200 deliveries of 50 tags, each delivery sent to both writers at once (a retried webhook), from 8 threads.
        List<Runnable> work = new ArrayList<>();
        Map<String, Set<String>> runsByTag = new ConcurrentHashMap<>();
        Map<String, Set<String>> runsByDelivery = new ConcurrentHashMap<>();
        for (int d = 0; d < 200; d++) {
            String tag = "module-authority-v1.0." + (d % 50);
            String delivery = "delivery-" + d;
            for (PgRunRecords writer : List.of(a, b)) {
                work.add(() -> {
                    Submission s = writer.submit(pushed(tag, delivery), Instant.now());
                    runsByTag.computeIfAbsent(tag, k -> ConcurrentHashMap.newKeySet()).add(s.run().id());
                    runsByDelivery.computeIfAbsent(delivery, k -> ConcurrentHashMap.newKeySet()).add(s.run().id());
                });
            }
        }
        Collections.shuffle(work);
        runConcurrently(work, 8);
        assertThat(a.list(null)).hasSize(50);
        assertThat(runsByTag).hasSize(50).allSatisfy((tag, ids) -> assertThat(ids).as(tag).hasSize(1));
        assertThat(runsByDelivery).hasSize(200).allSatisfy((d, ids) -> assertThat(ids).as(d).hasSize(1));
        // Every delivery is recorded on its run, once.
        int deliveries = b.list(null).stream().mapToInt(r -> r.deliveries().size()).sum();
        assertThat(deliveries).isEqualTo(200);
    }

    @Test
    void oneActiveRunPerVersionHoldsAcrossWritersAndInTheDatabase() throws Exception {
        // Two dispatches of one version, different tags, racing on two writers, 20 rounds.
        for (int round = 0; round < 20; round++) {
            String version = "2026." + (10 + round);
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            Future<Submission> first = pool.submit(() -> { go.await(); return a.submit(dispatched("suite-" + version + "-nova", version), Instant.now()); });
            Future<Submission> second = pool.submit(() -> { go.await(); return b.submit(dispatched("suite-" + version + "-nova-lts", version), Instant.now()); });
            go.countDown();
            List<Submission> both = List.of(first.get(), second.get());
            pool.shutdown();
            assertThat(both).filteredOn(s -> s instanceof Submission.Accepted).hasSize(1);
            assertThat(both).filteredOn(s -> s instanceof Submission.Conflict).hasSize(1);
        }
        // The constraint itself: a second active run of one release cannot be inserted, whatever the code does.
        try (Connection c = storeA.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("insert into runs (id, kind, tag, version, release_key, dry_run, pushed, state, "
                    + "created_at, record) values ('x', 'suite', 'suite-2026.10-nova-stable', '2026.10', 'suite/2026.10', false, false, "
                    + "'queued', now(), '{}')"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("runs_one_active_per_release");
        }
        // A finished run frees its version.
        RunRecord run = a.list(null).stream().filter(r -> r.version().equals("2026.10")).findFirst().orElseThrow();
        assertThat(a.claim(run.id())).isTrue();
        a.update(run.id(), r -> r.withState(RunState.SUCCEEDED, Instant.now(), null));
        a.release(run.id());
        assertThat(b.submit(dispatched("suite-2026.10-nova-lts", "2026.10"), Instant.now())).isInstanceOf(Submission.Accepted.class);
    }

    @Test
    void aFailedPushedRunIsRetriedByItsNextDelivery() {
        RunRecord run = a.submit(pushed("module-authority-v1.0.1", "d1"), Instant.now()).run();
        assertThat(a.claim(run.id())).isTrue();
        a.update(run.id(), r -> r.withState(RunState.RUNNING, Instant.now(), null));
        a.update(run.id(), r -> r.withState(RunState.FAILED, Instant.now(), "boom"));
        a.release(run.id());
        Submission again = b.submit(pushed("module-authority-v1.0.1", "d2"), Instant.now());
        assertThat(again).isInstanceOf(Submission.Retried.class);
        assertThat(again.run().id()).isEqualTo(run.id());
        assertThat(again.run().state()).isEqualTo(RunState.QUEUED);
        assertThat(b.submit(pushed("module-authority-v1.0.1", "d1"), Instant.now())).isInstanceOf(Submission.Duplicate.class);
    }

    @Test
    void aRequestWhoseTagHasARunIsNeverTakenForANewOne() {
        // A new request is accepted in one compound statement; these are not new, and each must get the full decision:
        // a dispatched run of a tag, finished; then a push of that tag (a duplicate: the tag has its run, and no
        // constraint stops a second, pushed row) and a dispatch of it again (a new run: dispatches may run a tag again).
        RunRequest dispatch = new RunRequest("suite", "suite-2026.05-orion", "2026.05", "dispatch", "m1", null, null,
                false, false, true);
        Submission first = a.submit(dispatch, Instant.now());
        assertThat(first).isInstanceOf(Submission.Accepted.class);
        RunRecord run = first.run();
        assertThat(a.claim(run.id())).isTrue();
        a.update(run.id(), r -> r.withState(RunState.SUCCEEDED, Instant.now(), null));
        a.release(run.id());

        Submission pushed = b.submit(new RunRequest("suite", "suite-2026.05-orion", "2026.05", "gitea", "p1", null, "abc",
                false, false, false), Instant.now());
        assertThat(pushed).isInstanceOf(Submission.Duplicate.class);
        assertThat(pushed.run().id()).isEqualTo(run.id());
        assertThat(pushed.run().deliveries()).containsExactly("m1", "p1");
        assertThat(b.submit(dispatch, Instant.now())).as("the same message again").isInstanceOf(Submission.Duplicate.class);

        Submission again = b.submit(new RunRequest("suite", "suite-2026.05-orion", "2026.05", "dispatch", "m2", null, null,
                false, false, true), Instant.now());
        assertThat(again).isInstanceOf(Submission.Accepted.class);
        assertThat(again.run().id()).isNotEqualTo(run.id());
        assertThat(a.list(null)).extracting(RunRecord::id).containsExactlyInAnyOrder(run.id(), again.run().id());
    }

    @Test
    void retentionPrunesTheOldestFinishedRunsOverMaxCountAndTheExpiredOnesButNeverAnActiveOne() throws Exception {
        PgRunRecords kept = records(storeA, "instance-r", Duration.ofSeconds(30),
                new RunRegistry.Retention(Duration.ofDays(1), 3));
        try (kept) {
            Instant t0 = Instant.now();
            List<String> finished = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                RunRecord run = kept.submit(pushed("module-authority-v1.0." + i, "p" + i), t0.plusMillis(i)).run();
                assertThat(kept.claim(run.id())).isTrue();
                kept.update(run.id(), r -> r.withState(RunState.RUNNING, Instant.now(), null));
                RunState end = i % 2 == 0 ? RunState.SUCCEEDED : RunState.FAILED;
                kept.update(run.id(), r -> r.withState(end, Instant.now(), null));
                kept.release(run.id());
                Files.createDirectories(kept.runDir(run.id()).resolve("logs"));
                finished.add(run.id());
            }
            RunRecord queued = kept.submit(pushed("module-authority-v1.0.9", "p9"), t0.plusMillis(9)).run();
            Files.createDirectories(kept.runDir(queued.id()));

            // 5 runs, at most 3: the two oldest finished go, with their run directories.
            assertThat(kept.prune(Instant.now())).extracting(RunRecord::id).containsExactly(finished.get(0), finished.get(1));
            assertThat(kept.get(finished.get(0))).isEmpty();
            assertThat(kept.runDir(finished.get(1))).doesNotExist();
            assertThat(kept.get(finished.get(2))).isPresent();
            assertThat(kept.runDir(finished.get(2))).exists();
            assertThat(kept.prune(Instant.now())).isEmpty();

            // A day on, every finished run is past max-age; the queued one stays, whatever its age.
            assertThat(kept.prune(Instant.now().plus(Duration.ofDays(2)))).extracting(RunRecord::id)
                    .containsExactly(finished.get(2), finished.get(3));
            assertThat(kept.get(queued.id())).get().extracting(RunRecord::state).isEqualTo(RunState.QUEUED);
            assertThat(kept.runDir(queued.id())).exists();
        }
    }

    @Test
    void retentionAfterAFloodReadsOnlyTheFinishedRunsPageByPageOnATableWithoutStatistics() throws Exception {
        // A flood right after the store was made: 20,000 queued runs and 1,200 finished ones, copies of a real record,
        // in a table never analyzed (autovacuum looks once a minute). Without statistics, the planner took every run
        // for a finished one and read and sorted the whole table after each run's end.
        RunRecord template = a.submit(pushed("module-authority-v1.0.0", "t0"), Instant.parse("2026-01-01T00:00:00Z")).run();
        try (Connection c = DriverManager.getConnection(URL, USER, null); Statement st = c.createStatement()) {
            st.execute("set search_path = " + schema);
            String copy = "insert into runs (id, kind, tag, version, release_key, dry_run, pushed, state, created_at, record) "
                    + "select %1$s, kind, tag || '.%2$s' || g, version, release_key || '.%2$s' || g, dry_run, pushed, '%2$s', "
                    + "created_at + g * interval '%3$s', jsonb_set(jsonb_set(jsonb_set(record, '{id}', to_jsonb(%1$s)), "
                    + "'{tag}', to_jsonb(tag || '.%2$s' || g)), '{state}', to_jsonb('%2$s'::text)) "
                    + "from runs, generate_series(1, %4$d) g where id = '" + template.id() + "'";
            st.execute(copy.formatted("'queued-' || g", "queued", "1 millisecond", 20_000));
            // created a second apart, in reverse: the page order is created_at, not the order of insertion
            st.execute(copy.formatted("'finished-' || lpad((1201 - g)::text, 4, '0')", "succeeded", "-1 second", 1_200));
            st.execute("delete from runs where id = '" + template.id() + "'");
            try (var q = c.prepareStatement("explain " + PgRunRecords.FINISHED_PAGE)) {
                q.setTimestamp(1, new java.sql.Timestamp(org.postgresql.PGStatement.DATE_NEGATIVE_INFINITY));
                q.setString(2, "");
                q.setInt(3, PgRunRecords.FINISHED_PAGE_SIZE);
                StringBuilder plan = new StringBuilder();
                try (var rs = q.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                assertThat(plan.toString()).contains("using runs_finished_oldest_first").doesNotContain("Seq Scan");
            }
        }
        // At most 20,500 runs: the 700 oldest finished go (read in three pages: 500, 500 and the last 200).
        PgRunRecords kept = records(storeA, "instance-f", Duration.ofSeconds(30),
                new RunRegistry.Retention(Duration.ofDays(3650), 20_500));
        try (kept) {
            List<String> oldest = new ArrayList<>();
            for (int i = 1; i <= 700; i++) {
                oldest.add("finished-%04d".formatted(i));
            }
            assertThat(kept.prune(Instant.now())).extracting(RunRecord::id).containsExactlyElementsOf(oldest);
            assertThat(kept.get("finished-0701")).isPresent();
            assertThat(kept.get("queued-1")).get().extracting(RunRecord::state).isEqualTo(RunState.QUEUED);
            assertThat(kept.prune(Instant.now())).isEmpty();
        }
    }

    @Test
    void oneInstanceClaimsARunAndAnotherTakesItOverOnlyAfterItsLeaseExpired() throws Exception {
        PgRunRecords shortA = records(storeA, "short-a", Duration.ofSeconds(2));
        try {
            RunRecord run = shortA.submit(dispatched("suite-2026.04-nova", "2026.04"), Instant.now()).run();
            assertThat(b.claimable()).containsExactly(run.id());
            assertThat(shortA.claim(run.id())).isTrue();
            assertThat(b.claim(run.id())).as("held by short-a").isFalse();
            assertThat(b.claimable()).isEmpty();
            shortA.update(run.id(), r -> r.withState(RunState.RUNNING, Instant.now(), null));
            shortA.save(run.id(), "{\"id\":\"x\",\"stages\":[]}".getBytes());
            // Renewed every third of the lease: still held well past the lease.
            Thread.sleep(3_000);
            assertThat(shortA.held(run.id())).isTrue();
            assertThat(b.claim(run.id())).isFalse();
            // short-a stops renewing (a stalled or dead instance): after the lease, b takes the run over.
            shortA.close();
            Thread.sleep(2_500);
            assertThat(shortA.held(run.id())).as("expired by short-a's own clock").isFalse();
            assertThat(b.claimable()).containsExactly(run.id());
            assertThat(b.claim(run.id())).isTrue();
            // short-a's writes no longer land: the record, the pipeline state.
            assertThatThrownBy(() -> shortA.update(run.id(), r -> r.withState(RunState.FAILED, Instant.now(), "late")))
                    .isInstanceOf(LeaseLostException.class);
            assertThatThrownBy(() -> shortA.save(run.id(), "{\"late\":true}".getBytes())).isInstanceOf(LeaseLostException.class);
            assertThat(b.get(run.id()).orElseThrow().state()).isEqualTo(RunState.RUNNING);
            assertThat(b.pipelineState(run.id()).orElseThrow().has("late")).isFalse();
            b.update(run.id(), r -> r.withState(RunState.SUCCEEDED, Instant.now(), null));
            b.release(run.id());
            List<Map<String, Object>> attempts = b.attempts(run.id());
            assertThat(attempts).extracting(m -> m.get("instance")).containsExactly("short-a", "instance-b");
            assertThat(attempts).extracting(m -> m.get("event")).containsExactly("claimed", "taken-over");
            assertThat(attempts.get(1).get("previousOwner")).isEqualTo("short-a");
            assertThat((Integer) attempts.get(0).get("renewals")).isGreaterThanOrEqualTo(2);
            assertThat(attempts).allSatisfy(m -> assertThat(m.get("endedAt")).isNotNull());
            assertThat(events).contains("short-a claimed " + run.id(), "instance-b took over " + run.id());
        } finally {
            shortA.close();
        }
    }

    @Test
    void aDryRunAndARealRunOfOneReleaseAreNeverHeldTogether() {
        RunRecord real = a.submit(dispatched("suite-2026.04-nova", "2026.04"), Instant.now()).run();
        RunRecord dry = b.submit(new RunRequest("suite", "suite-2026.04-nova", "2026.04", "dispatch", null, null, null, true, false, true),
                Instant.now()).run();
        assertThat(dry.id()).isNotEqualTo(real.id());
        assertThat(a.claim(real.id())).isTrue();
        assertThat(b.claim(dry.id())).as("the release is held by the real run").isFalse();
        a.update(real.id(), r -> r.withState(RunState.SUCCEEDED, Instant.now(), null));
        a.release(real.id());
        assertThat(b.claim(dry.id())).isTrue();
    }

    @Test
    void pagesListNewestFirstWithoutGapsOrRepeats() {
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            all.add(a.submit(pushed("module-authority-v2.0." + i, "p" + i), Instant.now()).run().id());
        }
        List<String> seen = new ArrayList<>();
        RunRegistry.Position after = null;
        do {
            RunRegistry.Page page = b.page(null, after, 7);
            page.runs().forEach(r -> seen.add(r.id()));
            after = page.next();
        } while (after != null);
        assertThat(seen).hasSize(25).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(all);
        assertThat(b.page(RunState.QUEUED, null, 100).runs()).hasSize(25);
    }

    @Test
    void theHistoryIsOneForEveryInstance() throws Exception {
        PgHistoryShelf shelfA = new PgHistoryShelf(storeA);
        Path manifest = state.resolve("suite-2026.04.yaml");
        Files.writeString(manifest, """
                suite: {version: "2026.04", tag: suite-2026.04-nova, channel: edge, codename: Nova, releasedAt: "2026-04-15T10:00:00Z"}
                modules:
                  - {name: Authority, version: 1.4.0}
                """);
        new ReleaseHistory(state.resolve("history-a")).useShelf(shelfA).record("suite", "suite-2026.04-nova", manifest);
        List<ReleaseHistory.Entry> seenByB = new ReleaseHistory(state.resolve("history-b")).useShelf(new PgHistoryShelf(storeB)).entries();
        assertThat(seenByB).extracting(ReleaseHistory.Entry::tag).containsExactly("suite-2026.04-nova");
        assertThat(seenByB.get(0).modules()).containsEntry("Authority", "1.4.0");
    }

    @Test
    void instancesStartingTogetherOnAFreshSchemaMigrateItOnce() throws Exception {
        String fresh = schema + "_fresh";
        List<Future<SharedStore>> opened = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            opened.add(pool.submit(() -> {
                go.await();
                return SharedStore.open(new SharedStore.Settings(URL, USER, null, fresh, 2));
            }));
        }
        go.countDown();
        try {
            for (Future<SharedStore> f : opened) {
                assertThat(f.get().problem()).isNull();
            }
            try (Connection c = DriverManager.getConnection(URL, USER, null); Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("select count(*) from " + fresh + ".flyway_schema_history where success and version = '1'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        } finally {
            for (Future<SharedStore> f : opened) {
                f.get().close();
            }
            pool.shutdown();
            try (Connection c = DriverManager.getConnection(URL, USER, null); Statement s = c.createStatement()) {
                s.execute("drop schema if exists " + fresh + " cascade");
            }
        }
    }

    @Test
    void thePasswordComesFromTheEnvironmentValueOrAFileAndIsNotPrinted() throws Exception {
        Path file = state.resolve("db-password");
        Files.writeString(file, "s3cret-from-file\n");
        assertThat(SharedStore.Settings.password("", file.toString())).isEqualTo("s3cret-from-file");
        assertThat(SharedStore.Settings.password("s3cret-env", file.toString())).isEqualTo("s3cret-env");
        assertThat(SharedStore.Settings.password("", "")).isNull();
        assertThat(new SharedStore.Settings(URL, USER, "s3cret-env", "x", 2).toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> new SharedStore.Settings("jdbc:mysql://x/y", USER, null, "x", 2))
                .hasMessageContaining("stella.store.url");
        assertThatThrownBy(() -> new SharedStore.Settings(URL, USER, null, "Robert'); drop", 2))
                .hasMessageContaining("stella.store.schema");
        // An unreachable store says so, naming the URL and schema, not the password.
        SharedStore.Settings nowhere = new SharedStore.Settings("jdbc:postgresql://127.0.0.1:1/test", USER, "s3cret-env", "x", 2);
        assertThatThrownBy(() -> SharedStore.open(nowhere)).satisfies(e -> assertThat(e.toString()).doesNotContain("s3cret"));
    }

    private static void runConcurrently(List<Runnable> work, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            work.forEach(w -> futures.add(pool.submit(w)));
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
