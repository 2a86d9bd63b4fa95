package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The post-release watch survives its service: {@code serve} as a real process, killed with SIGKILL mid-window, resumes
 * the watch, still reaches an outcome (degraded, by a health URL that starts failing) and announces it once, also across
 * another restart; a watch whose window ended while no service ran is closed with what it saw, saying so. Prometheus is
 * real and sits behind a bearer-token front: the token comes from the service's environment and is written nowhere.
 */
class WatchRestartTest {
    private static final String NOVA = "suite-2026.04-nova";
    private static final String ORION = "suite-2026.10-orion-stable";
    private ServiceFixture fixture;
    private WatchRig rig;
    private Path properties;
    private Process service;
    private final List<Path> logs = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null && service.isAlive()) {
            service.destroyForcibly();
            service.waitFor(30, TimeUnit.SECONDS);
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aRestartedServiceResumesItsWatchesAndAnnouncesOnce() throws Exception {
        Path scratch = Files.createTempDirectory("stella-watch-restart-");
        rig = new WatchRig(scratch);
        fixture = new ServiceFixture(c -> {
            try {
                rig.configure(c, scratch, "PT45S", rig.guardedPrometheusUrl(), true);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        properties = fixture.dir.resolve("application.properties");
        StringBuilder text = new StringBuilder(Files.readString(Path.of("config/application.properties")));
        fixture.overrides().forEach((k, v) -> text.append('\n').append(k).append(" = ").append(v));
        text.append("\nstella.watch.interval = 1s\nstella.watch.delay = 0\n");
        Files.writeString(properties, text);

        // 1. Released and watched; Prometheus is asked with the token from the environment.
        startService();
        release("{\"kind\":\"suite\",\"version\":\"2026.04\",\"codename\":\"Nova\",\"skipTests\":true}");
        awaitWatch(NOVA, w -> w.path("rounds").asInt() >= 2);
        assertThat(rig.queries.get()).isPositive();
        assertThat(rig.unauthorized).isEmpty();

        // 2. Killed mid-window: the next service resumes the watch where the record left it.
        kill();
        JsonNode before = onDisk(NOVA);
        assertThat(before.get("status").asText()).isEqualTo("watching");
        startService();
        JsonNode resumed = awaitWatch(NOVA, w -> w.path("rounds").asInt() > before.get("rounds").asInt());
        assertThat(resumed.get("status").asText()).isEqualTo("watching");
        assertThat(resumed.get("startedAt").asText()).isEqualTo(before.get("startedAt").asText());
        assertThat(resumed.get("endsAt").asText()).isEqualTo(before.get("endsAt").asText());

        // 3. The health URL starts failing: degraded, at the first breach, announced once.
        rig.healthStatus.set(503);
        JsonNode degraded = awaitWatch(NOVA, w -> !w.path("status").asText().equals("watching"));
        rig.healthStatus.set(200);
        assertThat(degraded.get("status").asText()).as(degraded.toString()).isEqualTo("degraded");
        assertThat(degraded.at("/breach/check").asText()).isEqualTo("gateway");
        assertThat(degraded.at("/breach/kind").asText()).isEqualTo("health");
        assertThat(degraded.at("/breach/value").asText()).isEqualTo("503");
        assertThat(degraded.at("/breach/threshold").asText()).isEqualTo("status 2xx");
        assertThat(Instant.parse(degraded.at("/breach/at").asText())).isBefore(Instant.parse(degraded.get("endsAt").asText()));
        awaitWatch(NOVA, w -> w.path("announced").asBoolean());
        assertThat(rig.degradedNotices()).hasSize(1);
        assertThat(rig.degradedNotices().get(0)).contains("- check: gateway (health)").contains("- value: 503 (threshold: status 2xx)");

        // 4. Another release, watched, then the service is down past the end of its window: the next service closes
        //    that watch with what it saw, saying so, and does not announce the degraded one again.
        release("{\"kind\":\"suite\",\"version\":\"2026.10\",\"codename\":\"Orion\",\"channel\":\"stable\",\"skipTests\":true}");
        awaitWatch(ORION, w -> w.path("rounds").asInt() >= 1);
        kill();
        JsonNode orion = onDisk(ORION);
        Duration untilEnd = Duration.between(Instant.now(), Instant.parse(orion.get("endsAt").asText()));
        ServiceFixture.sleep(Math.max(0, untilEnd.toMillis()) + 1000);
        startService();
        JsonNode closed = awaitWatch(ORION, w -> !w.path("status").asText().equals("watching"));
        assertThat(closed.get("status").asText()).as(closed.toString()).isEqualTo("healthy");
        assertThat(closed.get("note").asText()).contains("while serve was not running")
                .contains(orion.get("rounds").asInt() + " clean round(s)");
        assertThat(closed.get("rounds").asInt()).isEqualTo(orion.get("rounds").asInt());
        ServiceFixture.sleep(3000);
        assertThat(awaitWatch(NOVA, w -> true).get("status").asText()).isEqualTo("degraded");
        assertThat(rig.degradedNotices()).as("the degraded notice, across two restarts").hasSize(1);
        JsonNode matrix = ServiceFixture.json(fixture.get("/api/v1/compatibility"));
        assertThat(matrix.toString()).contains("\"tag\":\"" + NOVA + "\"");
        matrix.get("suites").forEach(s -> assertThat(s.get("watch").asText())
                .isEqualTo(s.get("tag").asText().equals(NOVA) ? "degraded" : "healthy"));

        // The token was sent, and is in no log and no file the service wrote.
        assertThat(rig.unauthorized).isEmpty();
        for (Path log : logs) {
            assertThat(Files.readString(log)).doesNotContain(WatchRig.TOKEN);
        }
        try (Stream<Path> files = Files.walk(fixture.state)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(WatchRig.TOKEN);
            }
        }
    }

    private void startService() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.stellarelease.cli.StellaRelease", "serve",
                "--properties", properties.toString(), "--config", fixture.config.toString()));
        Path log = fixture.dir.resolve("service-" + logs.size() + ".log");
        logs.add(log);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("STELLA_PROMETHEUS_TOKEN", WatchRig.TOKEN);
        service = pb.start();
        fixture.awaitHealthy(service);
    }

    private void kill() throws InterruptedException {
        service.destroyForcibly(); // SIGKILL: nothing recorded on the way out
        assertThat(service.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private JsonNode onDisk(String tag) throws IOException {
        return ServiceFixture.JSON.readTree(fixture.state.resolve("history/suites/" + tag + ".watch.json").toFile());
    }

    private JsonNode awaitWatch(String tag, Predicate<JsonNode> done) {
        Instant end = Instant.now().plusSeconds(90);
        JsonNode last = null;
        while (Instant.now().isBefore(end)) {
            try {
                for (JsonNode r : ServiceFixture.json(fixture.get("/api/v1/releases")).get("releases")) {
                    if (r.get("tag").asText().equals(tag) && r.hasNonNull("watch")) {
                        last = r.get("watch");
                        if (done.test(last)) {
                            return last;
                        }
                    }
                }
            } catch (java.io.UncheckedIOException e) {
                // restarting
            }
            ServiceFixture.sleep(250);
        }
        throw new AssertionError("the watch of " + tag + " did not get there in 90 s; last: " + last);
    }

    private void release(String message) {
        HttpResponse<String> accepted = fixture.post("/api/v1/dispatch", message.getBytes(), Map.of(
                "Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode done = fixture.awaitRun(ServiceFixture.json(accepted).get("run").asText(),
                r -> !r.at("/run/state").asText().matches("queued|running"), Duration.ofMinutes(3));
        assertThat(done.at("/run/state").asText()).as(done.toString()).isEqualTo("succeeded");
    }
}
