package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.app.CamelApp;
import io.stellarelease.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A running {@code serve} picks up edited route files for the next run, without a restart; a broken edit is refused
 * with the message {@code release} gives for it, and the previous routes keep serving until the file is fixed.
 * The service runs in-process on a copy of routes/ that the tests edit.
 */
class RouteReloadTest {
    private ServiceFixture fixture;
    private Path routes;
    private CamelApp app;

    @BeforeEach
    void start() throws Exception {
        fixture = new ServiceFixture(c -> { });
        routes = fixture.dir.resolve("routes");
        ServiceFixture.copyTree(ServiceFixture.ROOT.resolve("routes"), routes);
        Map<String, String> overrides = new HashMap<>(fixture.overrides());
        overrides.putAll(routeOverrides());
        overrides.put("stella.routes.reload.quiet-period", "300ms");
        app = CamelApp.start(CamelApp.Mode.SERVE, Path.of("config/application.properties"), fixture.config, overrides);
    }

    /** This copy of routes/ as the pipeline's routes and kamelets (the service's own routes stay the repository's). */
    private Map<String, String> routeOverrides() {
        return Map.of(
                "stella.pipeline.routes", "file:" + routes + "/*.yaml",
                "camel.component.kamelet.location", "file:" + routes.resolve("kamelets"),
                "camel.main.routes-reload-directory", routes.toString());
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void anEditedPipelineIsUsedByTheNextRun() throws Exception {
        JsonNode before = awaitRun(dispatch("2026.04", "Nova", null));
        assertThat(names(before.get("plannedStages"))).doesNotContain("marker");

        // A new stage (its command writes a marker file) and the pipeline line that runs it: two files, one reload.
        Path script = Files.writeString(fixture.dir.resolve("marker.sh"), "echo \"$RELEASE_TAG\" > \"$RELEASE_DIR/marker.txt\"\n");
        Files.writeString(routes.resolve("stage-marker.yaml"), """
                - route:
                    id: stage-marker
                    note: "needs: modules"
                    from:
                      uri: direct:marker
                      steps:
                        - step:
                            id: marker
                            steps:
                              - to:
                                  uri: kamelet:stella-exec
                                  parameters:
                                    name: marker
                                    command: "[bash, %s]"
                """.formatted(script));
        edit("pipeline.yaml", "              - to: direct:build-helm\n",
                "              - to: direct:build-helm\n              - to: direct:marker\n");
        JsonNode health = awaitRoutes(r -> r.path("reloads").asInt() == 1);
        assertThat(health.has("refused")).as(health.toString()).isFalse();

        JsonNode after = awaitRun(dispatch("2026.10", "Orion", "stable"));
        assertThat(after.at("/run/state").asText()).as(after.toString()).isEqualTo("succeeded");
        assertThat(names(after.get("plannedStages"))).containsSubsequence("build-helm", "marker", "release-manifest");
        assertThat(fixture.out.resolve("2026.10/marker.txt")).content().isEqualTo("suite-2026.10-orion-stable\n");
        assertThat(fixture.out.resolve("2026.10/logs/marker/marker.log")).exists();
        // The run before the edit ran without it.
        assertThat(fixture.out.resolve("2026.04/marker.txt")).doesNotExist();
    }

    @Test
    void aBrokenEditIsRefusedAndThePreviousRoutesKeepServing() throws Exception {
        List<String> planned = List.of("validate", "test-gate", "build-modules");

        // 1. Bad indentation in a stage file: refused with file, line and column, as `release` says it.
        Path buildCli = routes.resolve("stage-build-cli.yaml");
        String original = Files.readString(buildCli);
        String broken = original.replaceFirst("\n(\\s+)from:", "\n$1  from:");
        assertThat(broken).isNotEqualTo(original);
        Files.writeString(buildCli, broken);
        String refused = awaitRoutes(r -> r.has("refused")).get("refused").asText();
        assertThat(refused).matches("\\Q" + buildCli + "\\E:\\d+:\\d+: .*").doesNotContain("\n");
        assertThat(refused).isEqualTo(releaseRefusal());
        // Not a down check: the service still takes and runs releases, with the previous routes.
        JsonNode check = routesCheck();
        assertThat(check.path("status").asText()).isEqualTo("UP");
        // (Camel's health JSON escapes the message's slashes twice.)
        assertThat(check.path("message").asText().replace("\\/", "/")).isEqualTo("edited routes refused, the previous routes stay in use: " + refused);

        // A run started after the broken edit runs the previous pipeline, and succeeds.
        JsonNode run = awaitRun(dispatch("2026.04", "Nova", null));
        assertThat(run.at("/run/state").asText()).as(run.toString()).isEqualTo("succeeded");
        assertThat(names(run.get("plannedStages"))).containsSubsequence(planned).contains("build-cli", "announce");
        assertThat(fixture.out.resolve("2026.04/summary.md")).content().contains("| build-cli | done");

        // 2. Back to the file as it was: nothing to reload, the refusal is gone.
        Files.writeString(buildCli, original);
        awaitRoutes(r -> !r.has("refused"));

        // 3. A pipeline naming a stage that has no route: refused with the pipeline's file and line, and a did-you-mean.
        int line = lineOf(routes.resolve("pipeline.yaml"), "- to: direct:build-cli");
        edit("pipeline.yaml", "- to: direct:build-cli\n", "- to: direct:buld-cli\n");
        refused = awaitRoutes(r -> r.has("refused")).get("refused").asText();
        assertThat(refused.lines().findFirst().orElseThrow()).isEqualTo(routes.resolve("pipeline.yaml") + ":" + line
                + ": stage buld-cli has no route (from: direct:buld-cli) (did you mean build-cli?)");
        assertThat(refused).isEqualTo(releaseRefusal());

        // 4. Fixed, with announce removed: picked up, and the next run runs it.
        edit("pipeline.yaml", "- to: direct:buld-cli\n", "- to: direct:build-cli\n");
        edit("pipeline.yaml", "              - to: direct:announce\n", "");
        JsonNode fixed = awaitRoutes(r -> r.path("reloads").asInt() == 1 && !r.has("refused"));
        assertThat(fixed.path("reloads").asInt()).isEqualTo(1);
        JsonNode next = awaitRun(dispatch("2026.10", "Orion", "stable"));
        assertThat(next.at("/run/state").asText()).as(next.toString()).isEqualTo("succeeded");
        assertThat(names(next.get("plannedStages"))).containsSubsequence(planned).contains("build-cli").doesNotContain("announce");
    }

    /** What `release` says about the routes as they are now on disk (it refuses to start with them). */
    private String releaseRefusal() {
        Map<String, String> overrides = new HashMap<>(routeOverrides());
        overrides.put("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");
        List<String> message = new ArrayList<>();
        assertThatThrownBy(() -> CamelApp.start(CamelApp.Mode.RELEASE, Path.of("config/application.properties"), fixture.config,
                overrides).close())
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> message.add(e.getMessage()));
        return message.get(0);
    }

    private void edit(String file, String from, String to) throws IOException {
        Path path = routes.resolve(file);
        String text = Files.readString(path);
        assertThat(text).contains(from);
        Files.writeString(path, text.replace(from, to));
    }

    private static int lineOf(Path file, String text) throws IOException {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }

    private String dispatch(String version, String codename, String channel) {
        String json = "{\"version\":\"" + version + "\",\"codename\":\"" + codename + "\",\"skipTests\":true"
                + (channel == null ? "" : ",\"channel\":\"" + channel + "\"") + "}";
        HttpResponse<String> r = fixture.post("/api/v1/dispatch", json.getBytes(),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return ServiceFixture.json(r).get("run").asText();
    }

    private JsonNode awaitRun(String id) {
        return fixture.awaitRun(id, r -> {
            String state = r.at("/run/state").asText();
            return state.equals("succeeded") || state.equals("failed");
        }, Duration.ofMinutes(4));
    }

    private JsonNode routesCheck() {
        for (JsonNode check : ServiceFixture.json(fixture.get("/observe/health")).path("checks")) {
            if (check.path("name").asText().equals("stella-routes")) {
                return check;
            }
        }
        throw new AssertionError("no stella-routes check in /observe/health");
    }

    /** The details of the stella-routes health check ({@code ?data=true}), once they match. */
    private JsonNode awaitRoutes(Predicate<JsonNode> done) {
        Instant end = Instant.now().plusSeconds(60);
        JsonNode last = null;
        while (Instant.now().isBefore(end)) {
            JsonNode health = ServiceFixture.json(fixture.get("/observe/health?data=true"));
            for (JsonNode check : health.path("checks")) {
                if (check.path("name").asText().equals("stella-routes")) {
                    last = check;
                    if (done.test(check.path("data"))) {
                        return check.path("data");
                    }
                }
            }
            if (last == null) {
                last = health;
            }
            ServiceFixture.sleep(200);
        }
        throw new AssertionError("the routes did not get there in 60 s; last seen: " + last);
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.isTextual() ? n.asText() : n.path("name").asText()));
        return names;
    }
}
