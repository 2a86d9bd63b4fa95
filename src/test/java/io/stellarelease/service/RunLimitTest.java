package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.app.CamelApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs of different versions share stella.runs.max-parallel slots: past the limit a run waits, queued, then runs. */
class RunLimitTest {
    private static ServiceFixture fixture;
    private static CamelApp app;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServiceFixture(c -> {
            ServiceFixture.slowModules(c, "1");
        });
        Map<String, String> overrides = new HashMap<>(fixture.overrides());
        overrides.put("stella.runs.max-parallel", "1");
        app = CamelApp.start(CamelApp.Mode.SERVE, Path.of("config/application.properties"), fixture.config, overrides);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private String dispatch(String json) {
        HttpResponse<String> r = fixture.post("/api/v1/dispatch", json.getBytes(),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return ServiceFixture.json(r).get("run").asText();
    }

    @Test
    void aSecondVersionWaitsForAFreeSlot() {
        String first = dispatch("{\"version\":\"2026.04\",\"codename\":\"Nova\",\"skipTests\":true}");
        String second = dispatch("{\"version\":\"2026.10\",\"codename\":\"Orion\",\"channel\":\"stable\",\"skipTests\":true}");

        fixture.awaitRun(first, r -> r.at("/run/state").asText().equals("running"), Duration.ofMinutes(1));
        JsonNode waiting = ServiceFixture.json(fixture.get("/api/v1/runs/" + second));
        assertThat(waiting.at("/run/state").asText()).isEqualTo("queued");

        JsonNode a = fixture.awaitRun(first, r -> r.at("/run/state").asText().equals("succeeded"), Duration.ofMinutes(3));
        JsonNode b = fixture.awaitRun(second, r -> r.at("/run/state").asText().equals("succeeded"), Duration.ofMinutes(3));
        // One slot: the second started only after the first had finished.
        assertThat(java.time.Instant.parse(b.at("/run/startedAt").asText()))
                .isAfterOrEqualTo(java.time.Instant.parse(a.at("/run/finishedAt").asText()));
    }
}
