package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.app.CamelApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Dispatch messages through the default directory queue and over HTTP, against the running service. */
class DispatchServiceTest {
    private static ServiceFixture fixture;
    private static CamelApp app;

    @BeforeAll
    static void start() throws Exception {
        // Slow builds, so a run stays active long enough to meet a second request for its version.
        fixture = new ServiceFixture(c -> {
            ServiceFixture.slowModules(c, "2");
        });
        app = CamelApp.start(CamelApp.Mode.SERVE, Path.of("config/application.properties"), fixture.config, fixture.overrides());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    /**
     * The directory queue is polled as its route starts: Camel's file consumer waits a second by default, and its health
     * check (part of {@code /observe/health}) stays DOWN until its first poll, so every start reported healthy a second late.
     */
    @Test
    void theQueueIsPolledFromTheStart() {
        var consumer = app.template().getCamelContext().getRoute("dispatch-queue").getConsumer();
        assertThat(consumer).isInstanceOfSatisfying(org.apache.camel.support.ScheduledPollConsumer.class,
                c -> assertThat(c.getInitialDelay()).as("initialDelay of " + c.getEndpoint().getEndpointUri()).isZero());
    }

    @Test
    void aDroppedFileBecomesARunAndMovesToDone() throws Exception {
        Files.createDirectories(fixture.queue);
        // A file still being written under a dot-name is never read; the rename makes it visible.
        Path partial = fixture.queue.resolve(".suite-stable.yaml");
        Files.writeString(partial, "kind: suite\nversion: 2026.10\ncodename: Orion\nchannel: stable\nskipTests: true\n");
        ServiceFixture.sleep(1500);
        assertThat(partial).exists();
        Files.move(partial, fixture.queue.resolve("suite-stable.yaml"));

        Path done = fixture.queue.resolve("done/suite-stable.yaml");
        await(() -> Files.exists(done), "the message to move to done/");
        JsonNode runs = ServiceFixture.json(fixture.get("/api/v1/runs"));
        JsonNode run = Stream.of(runs.get("runs")).flatMap(a -> java.util.stream.StreamSupport.stream(a.spliterator(), false))
                .filter(r -> r.get("tag").asText().equals("suite-2026.10-orion-stable")).findFirst().orElseThrow();
        assertThat(run.get("source").asText()).isEqualTo("dispatch-file");
        assertThat(run.get("skipTests").asBoolean()).isTrue();
        JsonNode finished = fixture.awaitRun(run.get("id").asText(),
                r -> !r.at("/run/state").asText().matches("queued|running"), Duration.ofMinutes(3));
        assertThat(finished.at("/run/state").asText()).as(finished.toString()).isEqualTo("succeeded");
        assertThat(fixture.out.resolve("2026.10/suite-2026.10.yaml")).content().contains("channel: stable");
    }

    @Test
    void aRejectedFileMovesToFailedBesideItsReason() throws Exception {
        Files.createDirectories(fixture.queue);
        // failed/ holds the message as it was written, byte for byte (line ends included).
        byte[] original = "{\"version\": \"2026.05\",\r\n \"codename\": \"Nova\"}\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(fixture.queue.resolve("bad-month.json"), original);

        Path failed = fixture.queue.resolve("failed/bad-month.json");
        Path reason = fixture.queue.resolve("failed/bad-month.json.error.txt");
        await(() -> Files.exists(failed) && Files.exists(reason), "the message and its reason in failed/");
        assertThat(Files.readString(reason)).contains("suite month must be 04 or 10: got 05");
        assertThat(failed).hasBinaryContent(original);
        assertThat(fixture.queue.resolve("done/bad-month.json")).doesNotExist();
    }

    @Test
    void anEmptyABinaryOrAnUpperCaseExtensionFileMovesToFailedBesideItsReason() throws Exception {
        Files.createDirectories(fixture.queue);
        // An empty file was never read (Camel's readLockMinLength defaults to 1): it stayed in the queue with a
        // .camelLock beside it, rejected nowhere and said nowhere.
        Files.write(fixture.queue.resolve("empty.json"), new byte[0]);
        byte[] binary = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
        Files.write(fixture.queue.resolve("binary.yaml"), binary);
        // An upper-case extension is a message too (the intake reads .JSON as JSON): it was never picked up.
        Files.writeString(fixture.queue.resolve("UPPER.JSON"), "{\"kind\": \"suite\", \"version\": \"2026.05\", \"codename\": \"Nova\"}");
        Path upperReason = fixture.queue.resolve("failed/UPPER.JSON.error.txt");
        // Any other name is read and refused with the rule, not left unseen; a file still being written (.tmp) waits.
        Files.writeString(fixture.queue.resolve("release.txt"), "kind: suite\n");
        Files.writeString(fixture.queue.resolve("upload.tmp"), "kind: suite\n");
        Path txtReason = fixture.queue.resolve("failed/release.txt.error.txt");

        Path empty = fixture.queue.resolve("failed/empty.json");
        Path emptyReason = fixture.queue.resolve("failed/empty.json.error.txt");
        Path bin = fixture.queue.resolve("failed/binary.yaml");
        Path binReason = fixture.queue.resolve("failed/binary.yaml.error.txt");
        await(() -> Files.exists(empty) && Files.exists(emptyReason) && Files.exists(bin) && Files.exists(binReason)
                && Files.exists(upperReason), "the empty, the binary and the .JSON message with their reasons in failed/");
        assertThat(Files.readString(upperReason)).contains("suite month must be 04 or 10: got 05");
        await(() -> Files.exists(txtReason), "the .txt message's reason in failed/");
        assertThat(Files.readString(txtReason)).contains("unsupported format 'release.txt': use a .json, .yaml or .yml file");
        assertThat(fixture.queue.resolve("failed/release.txt")).hasContent("kind: suite\n");
        assertThat(fixture.queue.resolve("upload.tmp")).exists();
        assertThat(Files.readString(emptyReason)).contains("empty");
        assertThat(empty).hasBinaryContent(new byte[0]);
        assertThat(bin).hasBinaryContent(binary);
        assertThat(Files.readString(binReason)).startsWith("dispatch message: ");
        assertThat(fixture.queue.resolve("empty.json")).doesNotExist();
        assertThat(fixture.queue.resolve("empty.json.camelLock")).doesNotExist();
    }

    @Test
    void httpDispatchNeedsTheTokenAndRefusesABusyVersion() {
        byte[] message = "{\"kind\":\"suite\",\"version\":\"2026.04\",\"codename\":\"nova\",\"skipTests\":true}".getBytes();
        assertThat(fixture.post("/api/v1/dispatch", message, Map.of("Content-Type", "application/json")).statusCode())
                .isEqualTo(401);
        assertThat(fixture.post("/api/v1/dispatch", message, Map.of("Content-Type", "application/json",
                "Authorization", "Bearer wrong")).statusCode()).isEqualTo(401);
        HttpResponse<String> form = fixture.post("/api/v1/dispatch", message, Map.of(
                "Content-Type", "application/x-www-form-urlencoded", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(ServiceFixture.json(form).get("error").asText()).contains("application/json or application/yaml");

        HttpResponse<String> first = fixture.post("/api/v1/dispatch", message, Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + ServiceFixture.TOKEN));
        // Another test's run of 2026.04 may be active: then this one is the refused one.
        HttpResponse<String> second = fixture.post("/api/v1/dispatch", message, Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(409);
        assertThat(ServiceFixture.json(second).get("error").asText()).contains("version 2026.04 has an active run");
        // Every error answer is {"status": N, "error": ...}: the status is the number, as in every other error.
        assertThat(ServiceFixture.json(second).get("status").isInt()).as(second.body()).isTrue();
        assertThat(ServiceFixture.json(second).get("status").asInt()).isEqualTo(409);
        if (first.statusCode() == 202) {
            String id = ServiceFixture.json(first).get("run").asText();
            assertThat(ServiceFixture.json(second).get("run").asText()).isEqualTo(id);
            fixture.awaitRun(id, r -> !r.at("/run/state").asText().matches("queued|running"), Duration.ofMinutes(3));
        } else {
            assertThat(first.statusCode()).as(first.body()).isEqualTo(409);
        }

        HttpResponse<String> rule = fixture.post("/api/v1/dispatch",
                "{\"version\":\"2026.04\",\"codename\":\"Orion\"}".getBytes(), Map.of("Content-Type", "application/json",
                        "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(rule.statusCode()).isEqualTo(422);
        assertThat(ServiceFixture.json(rule).get("error").asText()).contains("codename for 2026.04 must be Nova");
    }

    @Test
    void anIdempotencyKeyReusedForAnotherRequestIsRefusedNotTakenForADuplicate() throws Exception {
        String key = "key-" + System.nanoTime();
        Map<String, String> headers = Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + ServiceFixture.TOKEN, "Idempotency-Key", key);
        byte[] suite = "{\"kind\":\"suite\",\"version\":\"2026.10\",\"codename\":\"Orion\",\"channel\":\"stable\",\"dryRun\":true,\"skipTests\":true}".getBytes();
        HttpResponse<String> first = fixture.post("/api/v1/dispatch", suite, headers);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String run = ServiceFixture.json(first).get("run").asText();

        HttpResponse<String> again = fixture.post("/api/v1/dispatch", suite, headers);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        assertThat(ServiceFixture.json(again).get("status").asText()).isEqualTo("duplicate");
        assertThat(ServiceFixture.json(again).get("run").asText()).isEqualTo(run);

        byte[] module = "{\"kind\":\"module\",\"module\":\"Authority\",\"version\":\"1.4.0\",\"dryRun\":true}".getBytes();
        HttpResponse<String> other = fixture.post("/api/v1/dispatch", module, headers);
        assertThat(other.statusCode()).as(other.body()).isEqualTo(422);
        assertThat(ServiceFixture.json(other).get("error").asText()).isEqualTo("Idempotency-Key '" + key
                + "' was used for another request: run " + run + " (suite suite-2026.10-orion-stable, dry run); "
                + "send a new key with a new request");
        fixture.awaitRun(run, r -> !r.at("/run/state").asText().matches("queued|running"), Duration.ofMinutes(3));
    }

    @Test
    void anIdempotencyKeyIsShortPrintableTextOrRefusedByName() {
        byte[] message = "{\"kind\":\"suite\",\"version\":\"2026.10\",\"codename\":\"Orion\"}".getBytes();
        HttpResponse<String> longKey = fixture.post("/api/v1/dispatch", message, Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + ServiceFixture.TOKEN, "Idempotency-Key", "k".repeat(5000)));
        assertThat(longKey.statusCode()).as(longKey.body()).isEqualTo(400);
        assertThat(ServiceFixture.json(longKey).get("error").asText())
                .isEqualTo("Idempotency-Key must be at most 255 characters: got 5000");
        HttpResponse<String> spaced = fixture.post("/api/v1/rollback", "{\"target\":\"suite\"}".getBytes(), Map.of(
                "Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN,
                "Idempotency-Key", "two\twords"));
        assertThat(spaced.statusCode()).as(spaced.body()).isEqualTo(400);
        assertThat(ServiceFixture.json(spaced).get("error").asText())
                .isEqualTo("Idempotency-Key must be printable ASCII without spaces: got 'two?words'");
    }

    @Test
    void aModuleDispatchRunsTheModulePipelineWithItsPublishFlags() throws Exception {
        Files.writeString(fixture.repo.resolve("src/Authority/CHANGELOG.md"), "## [1.4.0] - 2026-04-15\n\n- DPoP.\n");
        byte[] message = ("{\"kind\":\"module\",\"module\":\"Authority\",\"version\":\"1.4.0\","
                + "\"publishNuget\":false,\"publishContainer\":false}").getBytes();
        HttpResponse<String> accepted = fixture.post("/api/v1/dispatch", message, Map.of("Content-Type", "application/json",
                "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = ServiceFixture.json(accepted).get("run").asText();
        assertThat(ServiceFixture.json(accepted).get("tag").asText()).isEqualTo("module-authority-v1.4.0");

        JsonNode finished = fixture.awaitRun(id, r -> !r.at("/run/state").asText().matches("queued|running"), Duration.ofMinutes(3));
        assertThat(finished.at("/run/state").asText()).as(finished.toString()).isEqualTo("succeeded");
        assertThat(finished.at("/run/kind").asText()).isEqualTo("module");
        assertThat(finished.at("/run/skipNuget").asBoolean()).isTrue();
        assertThat(finished.get("plannedStages")).extracting(JsonNode::asText).containsExactly("validate-module",
                "test-gate", "build-modules", "publish-nuget", "build-containers", "push-containers", "release-manifest", "record-history", "summary");
        JsonNode stages = finished.at("/pipeline/stages");
        JsonNode nuget = java.util.stream.StreamSupport.stream(stages.spliterator(), false)
                .filter(s -> s.get("name").asText().equals("publish-nuget")).findFirst().orElseThrow();
        assertThat(nuget.get("reason").asText()).isEqualTo("not requested (publishNuget: false)");
        assertThat(finished.get("files").toString()).contains("module-authority-1.4.0.yaml");
        assertThat(fixture.out.resolve("modules/authority/1.4.0/module-authority-1.4.0.yaml")).exists();

        // A module tag that breaks a module rule is refused with the rule, as suite tags are.
        HttpResponse<String> rule = fixture.post("/api/v1/dispatch",
                "{\"kind\":\"module\",\"module\":\"Nope\",\"version\":\"1.0.0\"}".getBytes(),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(422);
    }

    @Test
    void healthReportsTheQueueAndTheStateStore() {
        HttpResponse<String> health = fixture.get("/observe/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).contains("UP").contains("stella-state-store").contains("stella-dispatch-queue");
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws IOException {
        Instant end = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(end)) {
            if (condition.getAsBoolean()) {
                return;
            }
            ServiceFixture.sleep(200);
        }
        throw new AssertionError("waited 60 s for " + what);
    }
}
