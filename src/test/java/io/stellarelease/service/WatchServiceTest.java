package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.app.CamelApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The post-release watch in a running service, against a real Prometheus scraping a gauge the test sets and a health
 * URL the test serves: a release whose window passes clean is healthy; one whose error ratio goes past the threshold is
 * degraded, in the release history API and the compatibility matrix, and announced exactly once.
 */
class WatchServiceTest {
    private ServiceFixture fixture;
    private WatchRig rig;
    private CamelApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aCleanWindowIsHealthyAndABreachIsDegradedAndAnnouncedOnce() throws Exception {
        java.nio.file.Path scratch = java.nio.file.Files.createTempDirectory("stella-watch-");
        rig = new WatchRig(scratch);
        fixture = new ServiceFixture(c -> {
            try {
                rig.configure(c, scratch, "PT12S", rig.prometheusUrl(), false);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Map<String, String> overrides = new HashMap<>(fixture.overrides());
        overrides.put("stella.watch.interval", "1s");
        overrides.put("stella.watch.delay", "0");
        app = CamelApp.start(CamelApp.Mode.SERVE, Path.of("config/application.properties"), fixture.config, overrides);

        // 1. A release watched through a clean window: healthy, nothing announced but the release.
        String stable = "suite-2026.10-orion-stable";
        release("{\"kind\":\"suite\",\"version\":\"2026.10\",\"codename\":\"Orion\",\"channel\":\"stable\",\"skipTests\":true}");
        JsonNode watching = awaitWatch(stable, w -> w.path("status").asText().equals("watching") && w.path("rounds").asInt() >= 1);
        assertThat(Duration.between(Instant.parse(watching.get("startedAt").asText()), Instant.parse(watching.get("endsAt").asText())))
                .isEqualTo(Duration.ofSeconds(12));
        assertThat(watching.get("lastResults").toString()).contains("\"check\":\"gateway\"").contains("\"check\":\"error-rate\"");
        JsonNode healthy = awaitWatch(stable, w -> !w.path("status").asText().equals("watching"));
        assertThat(healthy.get("status").asText()).as(healthy.toString()).isEqualTo("healthy");
        assertThat(healthy.hasNonNull("breach")).isFalse();
        assertThat(healthy.hasNonNull("note")).as("closed by the running service, nothing to say").isFalse();
        assertThat(healthy.get("rounds").asInt()).isGreaterThanOrEqualTo(5);
        assertThat(rig.degradedNotices()).isEmpty();
        assertThat(rig.received).hasSize(1); // the release announcement

        // 2. A release whose error ratio goes past max 0.05 while it is watched: degraded, at the first breach.
        String nova = "suite-2026.04-nova";
        release("{\"kind\":\"suite\",\"version\":\"2026.04\",\"codename\":\"Nova\",\"skipTests\":true}");
        awaitWatch(nova, w -> w.path("status").asText().equals("watching") && w.path("rounds").asInt() >= 1);
        rig.hookStatus.set(503); // the chat is down when the breach comes: the notice waits for it
        Instant flipped = Instant.now();
        rig.setGauge("0.31");
        JsonNode degraded = awaitWatch(nova, w -> !w.path("status").asText().equals("watching"));
        assertThat(degraded.get("status").asText()).as(degraded.toString()).isEqualTo("degraded");
        JsonNode breach = degraded.get("breach");
        assertThat(breach.get("check").asText()).isEqualTo("error-rate");
        assertThat(breach.get("kind").asText()).isEqualTo("prometheus");
        assertThat(breach.get("value").asText()).isEqualTo("0.31");
        assertThat(breach.get("threshold").asText()).isEqualTo("max 0.05");
        assertThat(Instant.parse(breach.get("at").asText())).isAfter(flipped);
        assertThat(breach.get("detail").asText()).startsWith("stella_test_error_ratio: stella_test_error_ratio{instance=\"127.0.0.1:").contains(",job=\"gateway\",service=\"gateway\"}").endsWith(" = 0.31, past max 0.05");

        // In the compatibility matrix, JSON and Markdown, beside the healthy one.
        JsonNode matrix = ServiceFixture.json(fixture.get("/api/v1/compatibility"));
        Map<String, JsonNode> rows = new HashMap<>();
        matrix.get("suites").forEach(s -> rows.put(s.get("tag").asText(), s));
        assertThat(rows.get(nova).get("watch").asText()).isEqualTo("degraded");
        assertThat(rows.get(nova).at("/breach/check").asText()).isEqualTo("error-rate");
        assertThat(rows.get(stable).get("watch").asText()).isEqualTo("healthy");
        String md = fixture.get("/api/v1/compatibility?format=markdown").body();
        assertThat(md).contains("| watch |").contains("| degraded: error-rate 0.31 (max 0.05) at " + breach.get("at").asText() + " |")
                .contains("| healthy |");

        // Announced once: the chat refused it, so it is tried again each round until the chat takes it; then one notice,
        // from config/degraded.md, and never again while the service keeps running.
        JsonNode pending = awaitWatch(nova, w -> w.hasNonNull("announceError"));
        assertThat(pending.get("announced").asBoolean()).isFalse();
        assertThat(pending.get("announceError").asText()).isEqualTo("webhook chat: HTTP 503: {\"error\":\"unavailable\"}");
        assertThat(rig.degradedNotices()).isEmpty();
        rig.hookStatus.set(200);
        awaitCondition(() -> rig.degradedNotices().size() == 1, "one degraded notice");
        JsonNode notice = ServiceFixture.JSON.readTree(rig.degradedNotices().get(0));
        assertThat(notice.get("text").asText()).startsWith("# StellaOps 2026.04 Nova degraded")
                .contains("- check: error-rate (prometheus)").contains("- value: 0.31 (threshold: max 0.05)");
        assertThat(fixture.state.resolve("history/suites/" + nova + ".degraded-announced.json")).exists();
        ServiceFixture.sleep(3000);
        assertThat(rig.degradedNotices()).hasSize(1);
        assertThat(awaitWatch(nova, w -> true).get("announced").asBoolean()).isTrue();
        // The healthy release stays healthy: a watch that is closed is not checked again.
        assertThat(awaitWatch(stable, w -> true).get("status").asText()).isEqualTo("healthy");

        // The dashboard's release list shows both, the degraded one with its breach (Debian's Chromium, headless).
        org.openqa.selenium.chrome.ChromeDriver browser = Browser.start();
        try {
            browser.get("http://127.0.0.1:" + fixture.port + "/");
            var wait = new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100));
            var row = wait.until(org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated(
                    org.openqa.selenium.By.cssSelector("#releases tr[data-release='" + nova + "'][data-watch='degraded']")));
            assertThat(row.getText()).contains("degraded").contains("error-rate 0.31 (max 0.05)");
            assertThat(browser.findElement(org.openqa.selenium.By.cssSelector("#releases tr[data-release='" + stable + "']"))
                    .getAttribute("data-watch")).isEqualTo("healthy");
        } finally {
            browser.quit();
        }
    }

    private JsonNode awaitWatch(String tag, Predicate<JsonNode> done) {
        Instant end = Instant.now().plusSeconds(90);
        JsonNode last = null;
        while (Instant.now().isBefore(end)) {
            for (JsonNode r : ServiceFixture.json(fixture.get("/api/v1/releases")).get("releases")) {
                if (r.get("tag").asText().equals(tag) && r.hasNonNull("watch")) {
                    last = r.get("watch");
                    if (done.test(last)) {
                        return last;
                    }
                }
            }
            ServiceFixture.sleep(250);
        }
        throw new AssertionError("the watch of " + tag + " did not get there in 90 s; last: " + last);
    }

    private static void awaitCondition(java.util.function.BooleanSupplier ok, String what) {
        Instant end = Instant.now().plusSeconds(30);
        while (!ok.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("not in 30 s: " + what);
            }
            ServiceFixture.sleep(200);
        }
    }

    private void release(String message) {
        HttpResponse<String> accepted = fixture.post("/api/v1/dispatch", message.getBytes(), Map.of(
                "Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode done = fixture.awaitRun(ServiceFixture.json(accepted).get("run").asText(),
                r -> !r.at("/run/state").asText().matches("queued|running"), Duration.ofMinutes(3));
        assertThat(done.at("/run/state").asText()).as(done.toString()).isEqualTo("succeeded");
        Map<String, JsonNode> stages = new HashMap<>();
        done.at("/pipeline/stages").forEach(s -> stages.put(s.get("name").asText(), s));
        assertThat(stages.get("watch").get("status").asText()).as(done.toString()).isEqualTo("DONE");
    }
}
