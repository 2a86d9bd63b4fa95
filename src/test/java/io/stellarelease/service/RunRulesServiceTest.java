package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.app.CamelApp;
import io.stellarelease.intake.WebhookSignatures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One real run per tag, over HTTP against the running service: a dry run does not stand in for the release
 * of its tag, a new delivery for a tag whose run failed resumes that run, a run's checkout is removed when it
 * ends, and the run list comes in pages.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunRulesServiceTest {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);
    private static ServiceFixture fixture;
    private static CamelApp app;
    private static Path failSigner;

    @BeforeAll
    static void start() throws Exception {
        Path marker = Files.createTempDirectory("stella-fail-").resolve("fail-signer");
        failSigner = marker;
        fixture = new ServiceFixture(c -> {
            // Slow builds, so a run is still active when the next request arrives; Signer fails while the marker exists.
            ServiceFixture.slowModules(c, "2");
            ObjectNode modules = (ObjectNode) c.get("modules");
            for (var item : modules.get("items")) {
                if (item.get("name").asText().equals("Signer")) {
                    ((ObjectNode) item).set("command", modules.arrayNode().add("bash").add("-c")
                            .add("if [ -e \"$0\" ]; then echo 'failing: marker present' >&2; exit 3; fi; "
                                    + "exec env STELLA_EXAMPLE_SLEEP=2 bash build/build-module.sh")
                            .add(marker.toString()));
                }
            }
        });
        ServiceFixture.git(fixture.repo, "tag", "suite-2026.10-orion");
        app = CamelApp.start(CamelApp.Mode.SERVE, Path.of("config/application.properties"), fixture.config, fixture.overrides());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static HttpResponse<String> gitea(String event, String tag, String delivery) {
        byte[] body = event.equals("push") ? ServiceFixture.giteaPush(tag) : ServiceFixture.giteaCreate(tag);
        return fixture.post("/api/v1/webhooks/gitea", body, Map.of(
                "Content-Type", "application/json",
                "X-Gitea-Event", event,
                "X-Gitea-Delivery", delivery,
                "X-Gitea-Signature", WebhookSignatures.hmacHex(ServiceFixture.SECRET, body)));
    }

    private static JsonNode finished(String id) {
        return fixture.awaitRun(id, r -> !r.at("/run/state").asText().matches("queued|running|interrupted"), RUN_TIMEOUT);
    }

    @Test
    @Order(1)
    void aTagPushedDuringADryRunOfItsVersionIsReleasedAfterIt() {
        HttpResponse<String> dispatched = fixture.post("/api/v1/dispatch",
                "{\"version\":\"2026.10\",\"codename\":\"Orion\",\"dryRun\":true,\"skipTests\":true}".getBytes(),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(dispatched.statusCode()).as(dispatched.body()).isEqualTo(202);
        String dry = ServiceFixture.json(dispatched).get("run").asText();
        fixture.awaitRun(dry, r -> r.at("/run/state").asText().equals("running"), RUN_TIMEOUT);

        HttpResponse<String> pushed = gitea("create", "suite-2026.10-orion", "aaaa0000-0000-4000-8000-000000000001");
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(202);
        JsonNode answer = ServiceFixture.json(pushed);
        assertThat(answer.get("status").asText()).as(pushed.body()).isEqualTo("accepted");
        String real = answer.get("run").asText();
        assertThat(real).isNotEqualTo(dry);
        // Gitea's push event of the same tag finds the real run.
        HttpResponse<String> push = gitea("push", "suite-2026.10-orion", "aaaa0000-0000-4000-8000-000000000002");
        assertThat(ServiceFixture.json(push).get("run").asText()).as(push.body()).isEqualTo(real);

        JsonNode dryDone = finished(dry);
        JsonNode realDone = finished(real);
        assertThat(dryDone.at("/run/state").asText()).as(dryDone.toString()).isEqualTo("succeeded");
        assertThat(realDone.at("/run/state").asText()).as(realDone.toString()).isEqualTo("succeeded");
        assertThat(realDone.at("/run/dryRun").asBoolean()).isFalse();
        // Queued behind the dry run: they write the same release directory.
        assertThat(Instant.parse(realDone.at("/run/startedAt").asText()))
                .isAfterOrEqualTo(Instant.parse(dryDone.at("/run/finishedAt").asText()));
        // The checkout is gone once the run ended; its log stays.
        assertThat(fixture.state.resolve("runs/" + real + "/checkout")).doesNotExist();
        assertThat(fixture.state.resolve("runs/" + real + "/checkout.log")).exists();

        HttpResponse<String> again = gitea("create", "suite-2026.10-orion", "aaaa0000-0000-4000-8000-000000000003");
        assertThat(ServiceFixture.json(again).get("status").asText()).isEqualTo("duplicate");
        assertThat(ServiceFixture.json(again).get("run").asText()).isEqualTo(real);
    }

    @Test
    @Order(2)
    void aNewDeliveryForAFailedTagResumesItsRunAtTheFailedStage() throws Exception {
        Files.writeString(failSigner, "fail\n");
        HttpResponse<String> first = gitea("create", "suite-2026.04-nova", "bbbb0000-0000-4000-8000-000000000001");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String id = ServiceFixture.json(first).get("run").asText();
        JsonNode failed = finished(id);
        assertThat(failed.at("/run/state").asText()).as(failed.toString()).isEqualTo("failed");
        assertThat(failed.at("/run/attempts").asInt()).isEqualTo(1);
        assertThat(fixture.state.resolve("runs/" + id + "/checkout")).doesNotExist();

        // The same delivery again is a duplicate; Gitea's "redeliver" (a new delivery id) is a new attempt.
        HttpResponse<String> same = gitea("create", "suite-2026.04-nova", "bbbb0000-0000-4000-8000-000000000001");
        assertThat(ServiceFixture.json(same).get("status").asText()).as(same.body()).isEqualTo("duplicate");
        Files.delete(failSigner);
        HttpResponse<String> retry = gitea("create", "suite-2026.04-nova", "bbbb0000-0000-4000-8000-000000000002");
        assertThat(retry.statusCode()).as(retry.body()).isEqualTo(202);
        JsonNode answer = ServiceFixture.json(retry);
        assertThat(answer.get("status").asText()).as(retry.body()).isEqualTo("retrying");
        assertThat(answer.get("run").asText()).isEqualTo(id);
        assertThat(answer.get("attempt").asInt()).isEqualTo(2);

        JsonNode done = finished(id);
        assertThat(done.at("/run/state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.at("/run/attempts").asInt()).isEqualTo(2);
        assertThat(done.at("/run/error").isNull()).isTrue();
        Map<String, JsonNode> stages = new HashMap<>();
        done.at("/pipeline/stages").forEach(s -> stages.put(s.get("name").asText(), s));
        assertThat(stages.get("validate").get("earlierAttempt").asBoolean()).isTrue();
        assertThat(stages.get("build-modules").get("earlierAttempt").asBoolean()).isFalse();
        assertThat(stages.get("build-modules").get("status").asText()).isEqualTo("DONE");
        assertThat(fixture.state.resolve("runs/" + id + "/checkout")).doesNotExist();

        // Succeeded: a further delivery stays a duplicate.
        HttpResponse<String> after = gitea("push", "suite-2026.04-nova", "bbbb0000-0000-4000-8000-000000000003");
        assertThat(ServiceFixture.json(after).get("status").asText()).isEqualTo("duplicate");
        assertThat(ServiceFixture.json(after).get("run").asText()).isEqualTo(id);
    }

    @Test
    @Order(3)
    void theRunListComesInPagesLinkedByCursors() {
        JsonNode all = ServiceFixture.json(fixture.get("/api/v1/runs?limit=200"));
        List<String> expected = new ArrayList<>();
        all.get("runs").forEach(r -> expected.add(r.get("id").asText()));
        assertThat(expected).hasSizeGreaterThanOrEqualTo(3);
        assertThat(all.get("next").isNull()).isTrue();

        List<String> paged = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 10; page++) {
            HttpResponse<String> r = fixture.get("/api/v1/runs?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = ServiceFixture.json(r);
            assertThat(body.get("runs").size()).isBetween(1, 2);
            body.get("runs").forEach(run -> paged.add(run.get("id").asText()));
            if (body.get("next").isNull()) {
                break;
            }
            cursor = body.get("next").asText();
        }
        assertThat(paged).isEqualTo(expected);

        for (String bad : new String[] {"0", "201", "ten", "-1"}) {
            HttpResponse<String> r = fixture.get("/api/v1/runs?limit=" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(ServiceFixture.json(r).get("error").asText()).contains("limit").contains("'" + bad + "'");
        }
        HttpResponse<String> cursorBad = fixture.get("/api/v1/runs?cursor=not-a-cursor");
        assertThat(cursorBad.statusCode()).isEqualTo(400);
        assertThat(ServiceFixture.json(cursorBad).get("error").asText()).contains("cursor").contains("'not-a-cursor'");
    }
}
