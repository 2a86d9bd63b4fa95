package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.intake.WebhookSignatures;
import io.stellarelease.sharedstore.SharedStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real {@code serve} processes on one PostgreSQL database (127.0.0.1:5432, database {@code test}, a schema of
 * their own per test) and one shared output directory: deliveries spread over both make one run per tag, each
 * executed by one instance; an instance killed with SIGKILL mid build-modules has its run taken over by the other
 * after the lease, resumed at its first unfinished stage; an instance stopped (SIGSTOP) past its lease and
 * continued (SIGCONT) after the take-over writes nothing more for the run.
 */
class SharedStoreServeTest {
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String USER = "postgres";

    private ServiceFixture fixture;
    private String schema;
    private final Map<String, Instance> instances = new LinkedHashMap<>();

    /** One serve process: its name (its instance id), port, state directory, properties and process. */
    private final class Instance {
        final String name;
        final int port;
        final Path properties;
        Process process;

        Instance(String name, String lease, int maxParallel) throws IOException {
            this.name = name;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            properties = fixture.dir.resolve(name + ".properties");
            StringBuilder text = new StringBuilder(Files.readString(Path.of("config/application.properties")));
            fixture.overrides().forEach((k, v) -> text.append('\n').append(k).append(" = ").append(v));
            // Each instance: its own port, state (checkouts) and directory queue; one database, one output directory.
            text.append("\ncamel.server.port = ").append(port)
                    .append("\ncamel.management.port = ").append(port)
                    .append("\nstella.state-dir = ").append(fixture.dir.resolve("state-" + name))
                    .append("\nstella.dispatch.dir = ").append(fixture.dir.resolve("queue-" + name))
                    .append("\nstella.store.url = ").append(URL)
                    .append("\nstella.store.user = ").append(USER)
                    .append("\nstella.store.schema = ").append(schema)
                    .append("\nstella.store.lease = ").append(lease)
                    .append("\nstella.instance.id = ").append(name)
                    .append("\nstella.runs.max-parallel = ").append(maxParallel)
                    .append('\n');
            Files.writeString(properties, text);
        }

        void start() throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx384m", "-cp", System.getProperty("java.class.path"), "io.stellarelease.cli.StellaRelease", "serve",
                    "--properties", properties.toString(), "--config", fixture.config.toString()));
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(fixture.dir.resolve(name + "-" + Instant.now().toEpochMilli() + ".log").toFile()).start();
        }

        void awaitHealthy() {
            Instant end = Instant.now().plusSeconds(120);
            while (Instant.now().isBefore(end)) {
                assertThat(process.isAlive()).as(name + " exited early; see " + fixture.dir).isTrue();
                try {
                    if (get("/observe/health").statusCode() == 200) {
                        return;
                    }
                } catch (RuntimeException e) {
                    // not listening yet
                }
                ServiceFixture.sleep(300);
            }
            throw new AssertionError(name + " did not become healthy in 120 s; see " + fixture.dir);
        }

        HttpResponse<String> get(String path) {
            return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).GET().build());
        }

        HttpResponse<String> post(String path, byte[] body, Map<String, String> headers) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(b::header);
            return send(b.build());
        }

        private HttpResponse<String> send(HttpRequest request) {
            try {
                return fixture.http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        JsonNode run(String id) {
            HttpResponse<String> r = get("/api/v1/runs/" + id);
            assertThat(r.statusCode()).as(name + ": " + r.body()).isEqualTo(200);
            return ServiceFixture.json(r);
        }

        JsonNode awaitRun(String id, Predicate<JsonNode> done, Duration timeout) {
            Instant end = Instant.now().plus(timeout);
            JsonNode last = null;
            while (Instant.now().isBefore(end)) {
                try {
                    last = run(id);
                    if (done.test(last)) {
                        return last;
                    }
                } catch (RuntimeException e) {
                    // starting or stopping
                }
                ServiceFixture.sleep(250);
            }
            throw new AssertionError("run " + id + " did not get there on " + name + " in " + timeout + "; last seen: " + last
                    + "; see " + fixture.dir);
        }

        void stopForcibly() throws InterruptedException {
            if (process != null && process.isAlive()) {
                signal("CONT"); // a stopped process cannot act on SIGKILL's reaping otherwise in a timely way
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }

        void signal(String signal) {
            try {
                Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).redirectErrorStream(true).start();
                kill.getInputStream().readAllBytes();
                assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private void prepare(Consumer<ObjectNode> edit) throws Exception {
        fixture = new ServiceFixture(edit);
        schema = "stella_serve_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        // The schema as serve migrates it, and a record of every write to a run: which instance's connection wrote it.
        try (SharedStore store = SharedStore.open(new SharedStore.Settings(URL, USER, null, schema, 2));
             Connection c = store.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("create table run_writes (at timestamptz not null default clock_timestamp(), run_id text not null, "
                    + "instance text not null, what text not null)");
            s.execute("create function record_run_write() returns trigger language plpgsql as $$ begin "
                    + "insert into run_writes (run_id, instance, what) values (new.id, current_setting('application_name'), "
                    + "case when new.pipeline_state is distinct from old.pipeline_state then 'pipeline-state' "
                    + "when new.record is distinct from old.record then 'record' else 'lease' end); return new; end $$");
            s.execute("create trigger runs_written after update on runs for each row execute function record_run_write()");
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (Instance i : instances.values()) {
            i.stopForcibly();
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(URL, USER, null); Statement s = c.createStatement()) {
                s.execute("drop schema if exists " + schema + " cascade");
            }
        }
    }

    private Instance instance(String name, String lease, int maxParallel) throws IOException {
        Instance i = new Instance(name, lease, maxParallel);
        instances.put(name, i);
        return i;
    }

    private void startAll() throws IOException {
        for (Instance i : instances.values()) {
            i.start();
        }
        for (Instance i : instances.values()) {
            i.awaitHealthy();
        }
    }

    private Connection db() throws SQLException {
        Connection c = DriverManager.getConnection(URL, USER, null);
        try (Statement s = c.createStatement()) {
            s.execute("set search_path = " + schema);
        }
        return c;
    }

    // ---- 200 deliveries, 50 tags, two instances -----------------------------------------------------------

    @Test
    void twoHundredDeliveriesOfFiftyTagsMakeFiftyRunsEachExecutedByOneInstance() throws Exception {
        prepare(c -> {
            // Cheap module releases: the build, the tests and the packages are "true"; no image.
            ObjectNode modules = (ObjectNode) c.get("modules");
            modules.set("command", modules.arrayNode().add("true"));
            modules.putNull("packages");
            ((ObjectNode) modules.get("items").get(0)).put("image", false);
            ArrayNode suites = c.arrayNode();
            suites.addObject().put("name", "unit").set("command", c.arrayNode().add("true"));
            ((ObjectNode) c.get("testGate")).set("suites", suites);
        });
        // Fifty versions of Authority, each a tag; the module's changelog names them (no version.txt to match).
        StringBuilder changelog = new StringBuilder("# Changelog: Authority\n\n");
        for (int v = 0; v < 50; v++) {
            changelog.append("## [1.5.").append(v).append("] - 2026-05-01\n\n- Change ").append(v).append(".\n\n");
        }
        Files.writeString(fixture.repo.resolve("src/Authority/CHANGELOG.md"), changelog);
        Files.delete(fixture.repo.resolve("src/Authority/version.txt"));
        ServiceFixture.git(fixture.repo, "add", "-A");
        ServiceFixture.git(fixture.repo, "commit", "-q", "-m", "fifty versions");
        for (int v = 0; v < 50; v++) {
            ServiceFixture.git(fixture.repo, "tag", "module-authority-v1.5." + v);
        }
        Instance a = instance("serve-a", "PT30S", 2);
        Instance b = instance("serve-b", "PT30S", 2);
        startAll();

        // 200 deliveries: every tag four times (Gitea's retries), alternately to each instance, 8 at a time.
        List<Integer> order = new ArrayList<>();
        for (int d = 0; d < 200; d++) {
            order.add(d);
        }
        Collections.shuffle(order);
        Instant sending = Instant.now();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        Map<Integer, String> tagOf = new HashMap<>();
        for (int d : order) {
            String tag = "module-authority-v1.5." + (d % 50);
            tagOf.put(d, tag);
            Instance to = d % 2 == 0 ? a : b;
            byte[] body = ServiceFixture.giteaCreate(tag);
            String delivery = "delivery-" + d + "-" + schema;
            answers.add(senders.submit(() -> to.post("/api/v1/webhooks/gitea", body, Map.of(
                    "Content-Type", "application/json", "X-Gitea-Event", "create", "X-Gitea-Delivery", delivery,
                    "X-Gitea-Signature", WebhookSignatures.hmacHex(ServiceFixture.SECRET, body)))));
        }
        Map<String, Set<String>> runsByTag = new HashMap<>();
        for (int k = 0; k < answers.size(); k++) {
            HttpResponse<String> r = answers.get(k).get(2, TimeUnit.MINUTES);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            JsonNode body = ServiceFixture.json(r);
            runsByTag.computeIfAbsent(tagOf.get(order.get(k)), t -> new HashSet<>()).add(body.get("run").asText());
        }
        senders.shutdown();
        Duration answered = Duration.between(sending, Instant.now());
        assertThat(runsByTag).hasSize(50).allSatisfy((tag, ids) -> assertThat(ids).as(tag).hasSize(1));

        // Every run ends, succeeded, executed by exactly one instance (one claim, one attempt).
        Set<String> ids = new HashSet<>();
        runsByTag.values().forEach(ids::addAll);
        Map<String, Integer> byInstance = new HashMap<>();
        for (String id : ids) {
            Instance asked = ThreadLocalRandom.current().nextBoolean() ? a : b; // either answers for every run
            JsonNode done = asked.awaitRun(id, r -> r.at("/run/state").asText().matches("succeeded|failed"), Duration.ofMinutes(6));
            assertThat(done.at("/run/state").asText()).as(done.toString()).isEqualTo("succeeded");
            assertThat(done.at("/run/attempts").asInt()).as(done.toString()).isEqualTo(1);
            JsonNode attempts = done.get("attempts");
            assertThat(attempts).as(done.toString()).hasSize(1);
            assertThat(attempts.get(0).get("event").asText()).isEqualTo("claimed");
            byInstance.merge(attempts.get(0).get("instance").asText(), 1, Integer::sum);
            assertThat(done.at("/pipeline/stages")).as("the stages, read from the store").isNotEmpty();
        }
        System.out.println("SharedStoreServeTest: 200 deliveries answered in " + answered.toMillis() + " ms; 50 runs ended "
                + Duration.between(sending, Instant.now()).toMillis() + " ms after the first; runs per instance " + byInstance);
        assertThat(byInstance.keySet()).as("both instances executed runs: " + byInstance).containsExactlyInAnyOrder("serve-a", "serve-b");

        // The database says the same: 50 runs, 200 deliveries, one claim each.
        try (Connection c = db(); Statement s = c.createStatement()) {
            assertThat(count(s, "select count(*) from runs")).isEqualTo(50);
            assertThat(count(s, "select count(*) from deliveries")).isEqualTo(200);
            assertThat(count(s, "select count(*) from attempts")).isEqualTo(50);
            assertThat(count(s, "select count(*) from history where kind = 'module'")).isEqualTo(50);
        }
        // The run list, paged, from either instance: 50 runs.
        assertThat(listAll(b)).hasSize(50);
        // Health: the store and this instance's claims; metrics: the claims per instance.
        JsonNode health = ServiceFixture.json(a.get("/observe/health?data=true"));
        assertThat(health.toString()).contains("stella-shared-store").contains("serve-a");
        String metrics = a.get("/observe/metrics").body();
        assertThat(metrics).containsPattern("stella_run_claims_total\\{[^}]*event=\"claimed\"[^}]*instance=\"serve-a\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("stella_run_claims_held\\{[^}]*instance=\"serve-a\"[^}]*} 0");
    }

    private static List<String> listAll(Instance i) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = ServiceFixture.json(i.get("/api/v1/runs?limit=20" + (cursor == null ? "" : "&cursor=" + cursor)));
            page.get("runs").forEach(r -> ids.add(r.get("id").asText()));
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null);
        return ids;
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- kill -9 the owner mid build-modules ----------------------------------------------------------------

    private void prepareSlowSuite() throws Exception {
        prepare(c -> {
            c.put("parallelism", 9);
            ServiceFixture.slowModules(c, "8");
        });
    }

    private String dispatch(Instance to) {
        HttpResponse<String> r = to.post("/api/v1/dispatch", "{\"version\":\"2026.04\",\"codename\":\"Nova\"}".getBytes(),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return ServiceFixture.json(r).get("run").asText();
    }

    /** The instance holding the run once it builds modules (asked of the holder: it has the live state). */
    private Instance awaitOwnerBuildingModules(String id) {
        Instant end = Instant.now().plusSeconds(180);
        while (Instant.now().isBefore(end)) {
            for (Instance i : instances.values()) {
                try {
                    JsonNode run = i.run(id);
                    JsonNode attempts = run.get("attempts");
                    if (attempts.isEmpty() || !attempts.get(attempts.size() - 1).get("instance").asText().equals(i.name)) {
                        continue;
                    }
                    boolean building = StreamSupport.stream(run.at("/pipeline/stages").spliterator(), false)
                            .anyMatch(s -> s.get("name").asText().equals("build-modules") && s.get("status").asText().equals("RUNNING"));
                    if (building) {
                        return i;
                    }
                } catch (RuntimeException | AssertionError e) {
                    // not there yet
                }
            }
            ServiceFixture.sleep(250);
        }
        throw new AssertionError("run " + id + " did not reach build-modules in 180 s; see " + fixture.dir);
    }

    /** Stage name -> startedAt of the stages the run completed, as the store has them. */
    private static Map<String, String> completedStages(JsonNode run) {
        Map<String, String> done = new LinkedHashMap<>();
        for (JsonNode s : run.at("/pipeline/stages")) {
            if (s.get("status").asText().matches("DONE|SKIPPED")) {
                done.put(s.get("name").asText(), s.get("startedAt").asText());
            }
        }
        return done;
    }

    private int verify(Path dir) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.stellarelease.cli.StellaRelease", "verify", dir.toString(),
                "--config", fixture.config.toString()).redirectErrorStream(true)
                .redirectOutput(fixture.dir.resolve("verify.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void anInstanceKilledMidBuildHasItsRunTakenOverAfterTheLeaseAndCompleted() throws Exception {
        prepareSlowSuite();
        instance("serve-a", "PT3S", 2);
        instance("serve-b", "PT3S", 2);
        startAll();
        String id = dispatch(instances.get("serve-a"));
        Instance owner = awaitOwnerBuildingModules(id);
        Instance other = instances.values().stream().filter(i -> i != owner).findFirst().orElseThrow();
        ServiceFixture.sleep(500);
        // The other instance answers for the run too, from the store: build-modules running, on the owner.
        JsonNode seenByOther = other.run(id);
        assertThat(StreamSupport.stream(seenByOther.at("/pipeline/stages").spliterator(), false)
                .anyMatch(s -> s.get("name").asText().equals("build-modules") && s.get("status").asText().equals("RUNNING")))
                .as(seenByOther.toString()).isTrue();
        assertThat(seenByOther.at("/run/state").asText()).isEqualTo("running");
        Map<String, String> before;
        try (Connection c = db(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select pipeline_state::text from runs where id = '" + id + "'")) {
            rs.next();
            before = completedStages(ServiceFixture.JSON.readTree("{\"pipeline\":" + rs.getString(1) + "}"));
        }
        assertThat(before).containsKeys("validate", "test-gate").doesNotContainKey("build-modules");

        Instant killed = Instant.now();
        owner.process.destroyForcibly(); // SIGKILL: no release of the claim, no last write
        assertThat(owner.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        JsonNode taken = other.awaitRun(id, r -> r.get("attempts").size() == 2, Duration.ofSeconds(30));
        JsonNode takeOver = taken.get("attempts").get(1);
        assertThat(takeOver.get("instance").asText()).isEqualTo(other.name);
        assertThat(takeOver.get("event").asText()).isEqualTo("taken-over");
        assertThat(takeOver.get("previousOwner").asText()).isEqualTo(owner.name);
        Instant claimed = Instant.parse(takeOver.get("claimedAt").asText());
        System.out.println("SharedStoreServeTest: taken over " + Duration.between(killed, claimed).toMillis()
                + " ms after SIGKILL (lease PT3S)");
        // A lease is never taken while it could still be live: only once the dead owner's last renewal plus the lease
        // has passed. (How soon after that is a figure for the benchmarks, printed above, not asserted.)
        JsonNode first = taken.get("attempts").get(0);
        Instant lastRenewal = Instant.parse(first.path("renewedAt").isNull() || first.path("renewedAt").isMissingNode()
                ? first.get("claimedAt").asText() : first.get("renewedAt").asText());
        assertThat(claimed).as("take-over of a lease renewed at " + lastRenewal).isAfterOrEqualTo(lastRenewal.plusSeconds(3));

        JsonNode done = other.awaitRun(id, r -> r.at("/run/state").asText().matches("succeeded|failed"), Duration.ofMinutes(4));
        assertThat(done.at("/run/state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.at("/run/attempts").asInt()).isEqualTo(2);
        Map<String, String> afterStages = completedStages(done);
        // No stage completed before the kill ran again: same start, and marked as an earlier attempt's.
        before.forEach((stage, started) -> assertThat(afterStages.get(stage)).as(stage).isEqualTo(started));
        for (JsonNode s : done.at("/pipeline/stages")) {
            if (before.containsKey(s.get("name").asText())) {
                assertThat(s.get("earlierAttempt").asBoolean()).as(s.toString()).isTrue();
            }
        }
        assertThat(completedStages(done)).containsKey("build-modules");
        // Every write to the run after the kill came from the survivor.
        try (Connection c = db(); java.sql.PreparedStatement q = c.prepareStatement(
                "select distinct instance from run_writes where run_id = ? and at > ?")) {
            q.setString(1, id);
            q.setTimestamp(2, Timestamp.from(killed));
            List<String> writers = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    writers.add(rs.getString(1));
                }
            }
            assertThat(writers).containsExactly(other.name);
        }
        assertThat(verify(fixture.out.resolve("2026.04"))).as("verify; see " + fixture.dir.resolve("verify.log")).isZero();
        assertThat(other.get("/observe/metrics").body())
                .containsPattern("stella_run_claims_total\\{[^}]*event=\"taken-over\"[^}]*instance=\"" + other.name + "\"[^}]*} 1");
    }

    private Path instanceLog(String name) throws IOException {
        try (var logs = Files.list(fixture.dir)) {
            return logs.filter(p -> p.getFileName().toString().startsWith(name + "-") && p.toString().endsWith(".log"))
                    .findFirst().orElseThrow();
        }
    }

    // ---- SIGSTOP past the lease, then SIGCONT -----------------------------------------------------------------

    @Test
    void aStalledInstanceThatComesBackAfterTheTakeOverWritesNothingMore() throws Exception {
        prepareSlowSuite();
        instance("serve-a", "PT3S", 2);
        instance("serve-b", "PT3S", 2);
        startAll();
        String id = dispatch(instances.get("serve-b"));
        Instance owner = awaitOwnerBuildingModules(id);
        Instance other = instances.values().stream().filter(i -> i != owner).findFirst().orElseThrow();
        ServiceFixture.sleep(500);

        owner.signal("STOP");
        JsonNode taken = other.awaitRun(id, r -> r.get("attempts").size() == 2, Duration.ofSeconds(30));
        assertThat(taken.get("attempts").get(1).get("event").asText()).isEqualTo("taken-over");
        ServiceFixture.sleep(1000); // the new owner is under way
        Instant resumed = Instant.now();
        owner.signal("CONT");

        JsonNode done = other.awaitRun(id, r -> r.at("/run/state").asText().matches("succeeded|failed"), Duration.ofMinutes(4));
        assertThat(done.at("/run/state").asText()).as(done.toString()).isEqualTo("succeeded");
        ServiceFixture.sleep(2000); // time for a stalled writer to try something
        assertThat(owner.process.isAlive()).as("the stalled instance goes on serving").isTrue();
        try (Connection c = db(); java.sql.PreparedStatement q = c.prepareStatement(
                "select instance, what, at from run_writes where run_id = ? and at > ? and instance <> ?")) {
            q.setString(1, id);
            q.setTimestamp(2, Timestamp.from(resumed));
            q.setString(3, other.name);
            List<String> stray = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    stray.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getTimestamp(3));
                }
            }
            assertThat(stray).as("writes to the run by the stalled instance after SIGCONT").isEmpty();
        }
        // It says why it stopped, and its claim is gone from its health.
        Path log;
        try (var logs = Files.list(fixture.dir)) {
            log = logs.filter(p -> p.getFileName().toString().startsWith(owner.name + "-")).findFirst().orElseThrow();
        }
        String text = Files.readString(log);
        assertThat(text).contains("lost its lease on the run");
        // It started no stage after build-modules: no image build, no publishing stage, no manifest, no summary.
        for (String stage : List.of("build-containers", "build-cli", "build-helm", "push-containers", "publish-nuget",
                "publish-helm", "release-manifest", "create-release", "summary")) {
            assertThat(text).as(owner.name + " started " + stage).doesNotContain("suite-2026.04-nova > " + stage + "\n");
        }
        assertThat(Files.readString(fixture.dir.resolve(other.name.equals("serve-a") ? instanceLog("serve-a") : instanceLog("serve-b"))))
                .as("the new owner ran them").contains("suite-2026.04-nova > release-manifest\n");
        assertThat(owner.get("/observe/metrics").body())
                .containsPattern("stella_run_claims_total\\{[^}]*event=\"lost\"[^}]*instance=\"" + owner.name + "\"[^}]*} 1");
        assertThat(ServiceFixture.json(owner.get("/observe/health?data=true")).toString()).doesNotContain(id);
        // Both instances answer for the run with the same outcome.
        assertThat(owner.run(id).at("/run/state").asText()).isEqualTo("succeeded");
        assertThat(verify(fixture.out.resolve("2026.04"))).isZero();
    }
}
