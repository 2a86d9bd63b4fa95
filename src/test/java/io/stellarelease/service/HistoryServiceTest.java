package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.app.CamelApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A suite and a module released through the running service, then read back from the release history API; then
 * rollbacks resolved from that history. Ordered: the second test adds to the history the first one reads.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class HistoryServiceTest {
    private static ServiceFixture fixture;
    private static CamelApp app;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServiceFixture(c -> { });
        // A kubectl stand-in that records its arguments (no cluster here), configured by absolute path.
        Path kubectl = fixture.dir.resolve("bin/kubectl");
        Files.createDirectories(kubectl.getParent());
        Files.writeString(kubectl, "#!/bin/sh\nprintf '%s\\t' \"$@\" >> '" + fixture.dir.resolve("bin/kubectl.calls") + "'\necho >> '"
                + fixture.dir.resolve("bin/kubectl.calls") + "'\n");
        Files.setPosixFilePermissions(kubectl, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) ServiceFixture.YAML.readTree(fixture.config.toFile());
        ((com.fasterxml.jackson.databind.node.ArrayNode) config.at("/rollback/containers")).set(0,
                com.fasterxml.jackson.databind.node.TextNode.valueOf(kubectl.toString()));
        ServiceFixture.YAML.writeValue(fixture.config.toFile(), config);
        app = CamelApp.start(CamelApp.Mode.SERVE, Path.of("config/application.properties"), fixture.config, fixture.overrides());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void releasesAndTheCompatibilityMatrixComeFromTheHistory() throws Exception {
        assertThat(ServiceFixture.json(fixture.get("/api/v1/releases")).get("releases")).isEmpty();
        release("{\"kind\":\"suite\",\"version\":\"2026.10\",\"codename\":\"Orion\",\"channel\":\"stable\",\"skipTests\":true}");
        Files.writeString(fixture.repo.resolve("src/Authority/CHANGELOG.md"), "## [1.4.0] - 2026-04-15\n\n- DPoP.\n");
        release("{\"kind\":\"module\",\"module\":\"Authority\",\"version\":\"1.4.0\"}");
        // A dry run is not a release: it stays out of the history.
        release("{\"kind\":\"suite\",\"version\":\"2026.04\",\"codename\":\"Nova\",\"skipTests\":true,\"dryRun\":true}");
        assertThat(fixture.state.resolve("history/suites/suite-2026.10-orion-stable.yaml")).exists();

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        JsonNode releases = ServiceFixture.json(fixture.get("/api/v1/releases"));
        assertThat(releases.get("date").asText()).isEqualTo(today.toString());
        assertThat(releases.get("releases")).hasSize(2);
        // Newest first: the module was released (and recorded) after the suite.
        JsonNode module = releases.at("/releases/0");
        assertThat(module.get("kind").asText()).isEqualTo("module");
        assertThat(module.get("name").asText()).isEqualTo("Authority");
        assertThat(module.get("version").asText()).isEqualTo("1.4.0");
        assertThat(module.get("status").asText()).isEqualTo("current");
        JsonNode suite = releases.at("/releases/1");
        assertThat(suite.get("version").asText()).isEqualTo("2026.10");
        assertThat(suite.get("codename").asText()).isEqualTo("Orion");
        assertThat(suite.get("channel").asText()).isEqualTo("stable");
        assertThat(suite.get("status").asText()).isEqualTo("standard");
        assertThat(suite.get("standardUntil").asText()).isEqualTo(today.plusMonths(9).toString());
        assertThat(suite.get("securityUntil").isNull()).isTrue();
        JsonNode later = ServiceFixture.json(fixture.get("/api/v1/releases?date=" + today.plusMonths(10)));
        assertThat(later.at("/releases/1/status").asText()).isEqualTo("out-of-support");
        assertThat(fixture.get("/api/v1/releases?date=tomorrow").statusCode()).isEqualTo(400);

        JsonNode matrix = ServiceFixture.json(fixture.get("/api/v1/compatibility"));
        assertThat(matrix.at("/suites")).hasSize(1);
        assertThat(matrix.at("/suites/0/version").asText()).isEqualTo("2026.10");
        assertThat(matrix.at("/suites/0/modules/Authority").asText()).isEqualTo("1.4.0");
        assertThat(matrix.at("/suites/0/modules/Concelier").asText()).isEqualTo("2.0.0");
        HttpResponse<String> md = fixture.get("/api/v1/compatibility?format=markdown");
        assertThat(md.headers().firstValue("Content-Type").orElse("")).startsWith("text/markdown");
        assertThat(md.body()).contains("| suite | codename | channel | released | Authority |")
                .contains("| 2026.10 | Orion | stable | " + today + " | 1.4.0 |");
        HttpResponse<String> accept = fixture.http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + fixture.port + "/api/v1/compatibility"))
                .header("Accept", "text/markdown").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(accept.body()).isEqualTo(md.body());
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void aRollbackIsResolvedFromTheHistoryAndRecordedAsARun() throws Exception {
        Map<String, String> headers = Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN);
        assertThat(fixture.post("/api/v1/rollback", "{\"module\":\"Signer\"}".getBytes(),
                Map.of("Content-Type", "application/json")).statusCode()).isEqualTo(401);
        HttpResponse<String> none = fixture.post("/api/v1/rollback", "{\"module\":\"Signer\"}".getBytes(), headers);
        assertThat(none.statusCode()).as(none.body()).isEqualTo(422);
        assertThat(ServiceFixture.json(none).get("error").asText()).contains("Signer has no release in the release history");

        Files.writeString(fixture.repo.resolve("src/Signer/CHANGELOG.md"), "## 1.2.3\n\n- first.\n");
        release("{\"kind\":\"module\",\"module\":\"Signer\",\"version\":\"1.2.3\",\"publishContainer\":false}");
        HttpResponse<String> accepted = fixture.post("/api/v1/rollback",
                "{\"target\":\"module\",\"module\":\"signer\",\"version\":\"1.2.3\"}".getBytes(), headers);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(ServiceFixture.json(accepted).get("tag").asText()).isEqualTo("rollback-module-signer-v1.2.3");
        JsonNode run = fixture.awaitRun(ServiceFixture.json(accepted).get("run").asText(),
                r -> !r.at("/run/state").asText().matches("queued|running"), Duration.ofMinutes(2));
        assertThat(run.at("/run/state").asText()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.at("/run/kind").asText()).isEqualTo("rollback");
        assertThat(run.get("plannedStages")).extracting(JsonNode::asText).containsExactly("plan-rollback", "restore-database", "rollback", "summary");
        assertThat(run.get("files").toString()).contains("rollback-plan.json");
        assertThat(Files.readAllLines(fixture.dir.resolve("bin/kubectl.calls"))).containsExactly(
                "set\timage\tdeployment/signer\tsigner=git.stella-ops.org/stella-ops.org/signer:1.2.3\t");

        // The same rollback as a queued dispatch message, as a dry run: recorded, nothing run.
        Files.createDirectories(fixture.queue);
        Files.writeString(fixture.queue.resolve("rollback.yaml"), "kind: rollback\ntarget: module\nmodule: Signer\nversion: 1.2.3\ndryRun: true\n");
        java.time.Instant end = java.time.Instant.now().plusSeconds(60);
        while (!Files.exists(fixture.queue.resolve("done/rollback.yaml")) && java.time.Instant.now().isBefore(end)) {
            ServiceFixture.sleep(200);
        }
        assertThat(fixture.queue.resolve("done/rollback.yaml")).exists();
        assertThat(Files.readAllLines(fixture.dir.resolve("bin/kubectl.calls"))).hasSize(1);
    }

    private static void release(String message) {
        HttpResponse<String> accepted = fixture.post("/api/v1/dispatch", message.getBytes(), Map.of(
                "Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode done = fixture.awaitRun(ServiceFixture.json(accepted).get("run").asText(),
                r -> !r.at("/run/state").asText().matches("queued|running"), Duration.ofMinutes(3));
        assertThat(done.at("/run/state").asText()).as(done.toString()).isEqualTo("succeeded");
    }
}
