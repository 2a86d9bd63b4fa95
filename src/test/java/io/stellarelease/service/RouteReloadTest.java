package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.app.CamelApp;
import io.stellarelease.config.ConfigException;
import io.stellarelease.pipeline.ReloadSafeRouteChecks;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
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
        startService(Map.of());
    }

    private void startService(Map<String, String> extra) throws Exception {
        Map<String, String> overrides = new HashMap<>(fixture.overrides());
        overrides.putAll(routeOverrides());
        overrides.put("stella.routes.reload.quiet-period", "300ms");
        overrides.putAll(extra);
        app = CamelApp.start(CamelApp.Mode.SERVE, Path.of("config/application.properties"), fixture.config, overrides);
    }

    private CamelContext context() {
        return app.template().getCamelContext();
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

        // 3. A pipeline naming a stage that has no route: refused in one line with the pipeline's file and line, and a
        // did-you-mean.
        int line = lineOf(routes.resolve("pipeline.yaml"), "- to: direct:build-cli");
        edit("pipeline.yaml", "- to: direct:build-cli\n", "- to: direct:buld-cli\n");
        refused = awaitRoutes(r -> r.has("refused")).get("refused").asText();
        assertThat(refused).isEqualTo(routes.resolve("pipeline.yaml") + ":" + line
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

    @Test
    void anEditCallingAServiceRouteIsAccepted() throws Exception {
        // A pipeline route may call a route of routes/service/ (loaded at start, kept by a reload): the live context has
        // it, so the reload works, and the check must accept the edit (it used to see only the pipeline's files).
        Files.writeString(routes.resolve("probe.yaml"), """
                - route:
                    id: probe
                    from:
                      uri: direct:probe
                      steps:
                        - to: direct:dispatch-reject-file
                """);
        JsonNode health = awaitRoutes(r -> r.path("reloads").asInt() == 1 || r.has("refused"));
        assertThat(health.has("refused")).as(health.toString()).isFalse();
        assertThat(context().getRoute("probe")).isNotNull();
    }

    @Test
    void anEditRemovingARouteAServiceRouteCallsIsRefusedWithoutASwap() throws Exception {
        // A service route (loaded at start only) calls a route of the pipeline's files; an edit that removes that route
        // would leave the service route calling nothing: refused by the check, before any route is touched (the check
        // used to pass it, and the swap found it, replacing every pipeline route twice to put them back).
        Path helper = routes.resolve("probe-helper.yaml");
        Path service = fixture.dir.resolve("service-extra");
        app.close();
        Files.writeString(helper, """
                - route:
                    id: probe-helper
                    from:
                      uri: direct:probe-helper
                      steps:
                        - log: "probe"
                """);
        Files.createDirectories(service);
        Files.writeString(service.resolve("probe.yaml"), """
                - route:
                    id: service-probe
                    from:
                      uri: direct:service-probe
                      steps:
                        - to: direct:probe-helper
                """);
        startService(Map.of("stella.service.routes", "{{stella.pipeline.routes}},file:routes/service/*.yaml,file:" + service + "/*.yaml"));
        Route before = context().getRoute("stage-validate");
        assertThat(before).isNotNull();

        Files.delete(helper);
        String refused = awaitRoutes(r -> r.has("refused")).get("refused").asText();
        assertThat(refused).isEqualTo(service.resolve("probe.yaml") + ":" + lineOf(service.resolve("probe.yaml"), "- to: direct:probe-helper")
                + ": direct:probe-helper has no route");
        assertThat(context().getRoute("stage-validate")).as("the pipeline's routes were not replaced").isSameAs(before);
        assertThat(context().getRoute("probe-helper")).isNotNull();
        assertThat(awaitRoutes(r -> true).path("reloads").asInt()).isZero();
    }

    @Test
    void aRenamedStageIsRefusedWithADidYouMeanUntilThePipelineFollows() throws Exception {
        // The stage build-cli renamed to build-clis in its own file (route id, endpoint, step), pipeline.yaml not yet:
        // refused in one line naming pipeline.yaml and the line that still says build-cli, with a did-you-mean.
        Route before = context().getRoute("stage-build-cli");
        int line = lineOf(routes.resolve("pipeline.yaml"), "- to: direct:build-cli");
        edit("stage-build-cli.yaml", "id: stage-build-cli\n", "id: stage-build-clis\n");
        edit("stage-build-cli.yaml", "uri: direct:build-cli\n", "uri: direct:build-clis\n");
        edit("stage-build-cli.yaml", "id: build-cli\n", "id: build-clis\n");
        String refused = awaitRoutes(r -> r.has("refused")).get("refused").asText();
        assertThat(refused).isEqualTo(routes.resolve("pipeline.yaml") + ":" + line
                + ": stage build-cli has no route (from: direct:build-cli) (did you mean build-clis?)");
        assertThat(refused).isEqualTo(releaseRefusal());
        // The previous routes still serve.
        assertThat(context().getRoute("stage-build-cli")).isSameAs(before);
        assertThat(context().getRoute("stage-build-clis")).isNull();

        // pipeline.yaml follows: accepted, the renamed stage is in use.
        edit("pipeline.yaml", "- to: direct:build-cli\n", "- to: direct:build-clis\n");
        JsonNode fixed = awaitRoutes(r -> r.path("reloads").asInt() == 1);
        assertThat(fixed.has("refused")).as(fixed.toString()).isFalse();
        assertThat(context().getRoute("stage-build-cli")).isNull();
        assertThat(context().getRoute("stage-build-clis")).isNotNull();
    }

    @Test
    void anEditCallingAKameletThatDoesNotExistIsRefusedWithoutASwap() throws Exception {
        // A new stage file and its pipeline entry, the stage calling kamelet:stella-exek: Camel would only find out when
        // starting the route, after the pipeline's routes were taken down. Refused by the check, in one line with the
        // stage file's line and a did-you-mean; the routes running are not touched.
        Route before = context().getRoute("stage-validate");
        Path stage = routes.resolve("stage-marker.yaml");
        Files.writeString(stage, """
                - route:
                    id: stage-marker
                    from:
                      uri: direct:marker
                      steps:
                        - step:
                            id: marker
                            steps:
                              - to:
                                  uri: kamelet:stella-exek
                                  parameters:
                                    name: marker
                                    command: "[true]"
                """);
        edit("pipeline.yaml", "              - to: direct:build-helm\n",
                "              - to: direct:build-helm\n              - to: direct:marker\n");
        String refused = awaitRoutes(r -> r.has("refused")).get("refused").asText();
        assertThat(refused).isEqualTo(stage + ":" + lineOf(stage, "- to:")
                + ": kamelet:stella-exek has no kamelet (no route template stella-exek, no stella-exek.kamelet.yaml) (did you mean stella-exec?)");
        assertThat(refused).isEqualTo(releaseRefusal());
        assertThat(context().getRoute("stage-validate")).as("the pipeline's routes were not replaced").isSameAs(before);
        assertThat(context().getRoute("stage-marker")).isNull();

        // Fixed: accepted.
        edit("stage-marker.yaml", "kamelet:stella-exek", "kamelet:stella-exec");
        JsonNode fixed = awaitRoutes(r -> r.path("reloads").asInt() == 1);
        assertThat(fixed.has("refused")).as(fixed.toString()).isFalse();
        assertThat(context().getRoute("stage-marker")).isNotNull();
    }

    @Test
    void anEditSendingToAComponentThatDoesNotExistIsRefusedWithoutASwap() throws Exception {
        Route before = context().getRoute("stage-build-helm");
        edit("stage-build-helm.yaml", "              - bean:\n                  ref: helmChart\n",
                "              - to:\n                  uri: nosuchcomponent:x\n              - bean:\n                  ref: helmChart\n");
        String refused = awaitRoutes(r -> r.has("refused")).get("refused").asText();
        Path file = routes.resolve("stage-build-helm.yaml");
        assertThat(refused).isEqualTo(file + ":" + lineOf(file, "- to:")
                + ": nosuchcomponent: is no Camel component on the class path (in 'nosuchcomponent:x')");
        assertThat(refused).isEqualTo(releaseRefusal());
        assertThat(context().getRoute("stage-build-helm")).as("the pipeline's routes were not replaced").isSameAs(before);
    }

    @Test
    void anEditNamingARouteTemplateThatDoesNotExistIsRefusedWithoutASwap() throws Exception {
        Route before = context().getRoute("stage-publish-nuget");
        edit("stage-publish-nuget.yaml", "routeTemplateRef: publish-stage\n", "routeTemplateRef: publish-stagee\n");
        String refused = awaitRoutes(r -> r.has("refused")).get("refused").asText();
        // Camel says only "Cannot find RouteTemplate with id publish-stagee": the file and line of the reference are added.
        Path file = routes.resolve("stage-publish-nuget.yaml");
        assertThat(refused).isEqualTo(file + ":" + lineOf(file, "routeTemplateRef:")
                + ": routeTemplateRef publish-stagee names no route template (did you mean publish-stage?)");
        assertThat(refused).isEqualTo(releaseRefusal());
        assertThat(context().getRoute("stage-publish-nuget")).as("the pipeline's routes were not replaced").isSameAs(before);
    }

    @Test
    void healthAnswersJsonWhileRoutesAreSwapped() throws Exception {
        // /observe/health asked over and over while the pipeline's routes are replaced: every answer is JSON, 200 and UP
        // (a route being removed is not a problem of the service; Camel's route check used to throw on it: a 500).
        List<String> bad = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger answers = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        awaitUp();
        Thread hammer = new Thread(() -> {
            while (!done.get()) {
                HttpResponse<String> r = fixture.get("/observe/health");
                answers.incrementAndGet();
                String problem = null;
                try {
                    JsonNode body = ServiceFixture.JSON.readTree(r.body());
                    if (r.statusCode() != 200 || !body.path("status").asText().equals("UP")) {
                        List<String> down = new ArrayList<>();
                        body.path("checks").forEach(c -> {
                            if (!c.path("status").asText().equals("UP")) {
                                down.add(c.toString());
                            }
                        });
                        problem = "not UP: " + r.statusCode() + " " + body.path("status").asText() + " " + down;
                    }
                } catch (IOException e) {
                    problem = "not JSON: " + r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length()));
                }
                if (problem != null && bad.size() < 5) {
                    bad.add(problem);
                }
            }
        }, "health-hammer");
        hammer.start();
        try {
            for (int i = 1; i <= 4; i++) {
                if (i % 2 == 1) {
                    edit("pipeline.yaml", "              - to: direct:announce\n", "");
                } else {
                    edit("pipeline.yaml", "              - to: direct:record-history\n",
                            "              - to: direct:record-history\n              - to: direct:announce\n");
                }
                int reloads = i;
                awaitRoutes(r -> r.path("reloads").asInt() == reloads);
            }
        } finally {
            done.set(true);
            hammer.join(30_000);
        }
        assertThat(bad).as("answers of /observe/health during 4 route swaps (of %d)", answers.get()).isEmpty();
        assertThat(answers.get()).isGreaterThan(20);
        // Between swaps every route has its checks, the replaced ones included.
        List<String> checks = new ArrayList<>();
        ServiceFixture.json(fixture.get("/observe/health")).path("checks").forEach(c -> checks.add(c.path("name").asText()));
        assertThat(checks).contains("route:stage-validate", "consumer:stage-validate", "route:dispatch-http", "consumer:dispatch-http",
                "route:stage-publish-nuget", "stella-routes");
        // The route checks of the replaced routes are gone with them (Camel's kept one per route it ever saw).
        var registry = org.apache.camel.health.HealthCheckRegistry.get(context());
        for (String id : List.of("routes", "consumers")) {
            var repository = registry.getRepository(id).orElseThrow();
            assertThat(repository).isInstanceOf(ReloadSafeRouteChecks.class);
            assertThat(((ReloadSafeRouteChecks) repository).kept()).as(id).isLessThanOrEqualTo(context().getRoutes().size());
        }
    }

    /** Waits until /observe/health is 200 (the file queue's consumer is down until its first poll). */
    private void awaitUp() {
        Instant end = Instant.now().plusSeconds(30);
        while (fixture.get("/observe/health").statusCode() != 200) {
            assertThat(Instant.now()).as("/observe/health 200 within 30 s").isBefore(end);
            ServiceFixture.sleep(100);
        }
    }

    /** What `release` says about the routes as they are now on disk (it refuses to start with them). */
    private String releaseRefusal() {
        List<String> message = new ArrayList<>();
        assertThatThrownBy(() -> CamelApp.start(CamelApp.Mode.RELEASE, Path.of("config/application.properties"), fixture.config,
                releaseOverrides()).close())
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> message.add(e.getMessage()));
        return message.get(0);
    }

    /** `release` on this copy of routes/. */
    private Map<String, String> releaseOverrides() {
        Map<String, String> overrides = new HashMap<>(routeOverrides());
        overrides.put("camel.main.routes-include-pattern", "file:" + routes + "/*.yaml");
        return overrides;
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
