package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.app.CamelApp;
import io.stellarelease.intake.WebhookSignatures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The service's webhook intake and run API over real HTTP, with the real routes and a real git checkout. */
class WebhookServiceTest {
    private static ServiceFixture fixture;
    private static CamelApp app;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServiceFixture(c -> { });
        app = CamelApp.start(CamelApp.Mode.SERVE, Path.of("config/application.properties"), fixture.config, fixture.overrides());
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static HttpResponse<String> gitea(String event, byte[] body, String delivery) {
        return fixture.post("/api/v1/webhooks/gitea", body, Map.of(
                "Content-Type", "application/json",
                "X-Gitea-Event", event,
                "X-Gitea-Delivery", delivery,
                "X-Gitea-Signature", WebhookSignatures.hmacHex(ServiceFixture.SECRET, body)));
    }

    @Test
    void createAndPushOfOneTagStartExactlyOneReleaseThatCompletes() throws Exception {
        String tag = "suite-2026.04-nova";
        // Both events of one tag, and redeliveries, arriving at once.
        List<Callable<HttpResponse<String>>> deliveries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String n = Integer.toString(i);
            deliveries.add(() -> gitea("create", ServiceFixture.giteaCreate(tag), "c0ffee00-0000-4000-8000-00000000000" + n));
            deliveries.add(() -> gitea("push", ServiceFixture.giteaPush(tag), "feed0000-0000-4000-8000-00000000000" + n));
        }
        List<HttpResponse<String>> answers = new ArrayList<>();
        var pool = Executors.newFixedThreadPool(6);
        try {
            for (Future<HttpResponse<String>> f : pool.invokeAll(deliveries)) {
                answers.add(f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(202));
        List<String> runIds = answers.stream().map(r -> ServiceFixture.json(r).get("run").asText()).distinct().toList();
        assertThat(runIds).hasSize(1);
        assertThat(answers).filteredOn(r -> r.body().contains("\"accepted\"")).hasSize(1);
        String id = runIds.get(0);
        assertThat(ServiceFixture.json(answers.get(0)).get("statusUrl").asText()).isEqualTo("/api/v1/runs/" + id);

        JsonNode run = fixture.awaitRun(id, r -> !r.at("/run/state").asText().matches("queued|running"), Duration.ofMinutes(3));
        assertThat(run.at("/run/state").asText()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.at("/run/deliveries")).hasSize(6);
        assertThat(run.at("/run/source").asText()).isEqualTo("gitea-webhook");
        assertThat(run.at("/pipeline/stages")).extracting(s -> s.get("name").asText())
                .contains("validate", "build-modules", "summary");
        assertThat(run.at("/pipeline/commit").asText()).hasSize(40);
        assertThat(run.at("/logs/build-modules:Authority").asText()).isEqualTo("/api/v1/runs/" + id + "/logs/build-modules:Authority");
        HttpResponse<String> log = fixture.get("/api/v1/runs/" + id + "/logs/build-modules:Authority");
        assertThat(log.statusCode()).isEqualTo(200);
        assertThat(log.body()).contains("build-modules/Authority");
        assertThat(log.headers().firstValue("X-Log-Offset")).isPresent();
        // A bad offset is the caller's mistake, answered 400 naming it (it was a 500 with a type conversion's message).
        for (String offset : List.of("abc", "-1", "1.5")) {
            HttpResponse<String> bad = fixture.get("/api/v1/runs/" + id + "/logs/build-modules:Authority?offset=" + offset);
            assertThat(bad.statusCode()).as(offset).isEqualTo(400);
            assertThat(bad.body()).contains("offset must be a whole number of bytes from 0: got '" + offset + "'");
        }
        String end = log.headers().firstValue("X-Log-Offset").orElseThrow();
        HttpResponse<String> rest = fixture.get("/api/v1/runs/" + id + "/logs/build-modules:Authority?offset=" + end);
        assertThat(rest.statusCode()).isEqualTo(200);
        assertThat(rest.body()).isEmpty();
        assertThat(fixture.out.resolve("2026.04/suite-2026.04.yaml")).exists();

        // The list shows it; a filter by state too.
        JsonNode list = ServiceFixture.json(fixture.get("/api/v1/runs?state=succeeded"));
        assertThat(list.get("runs")).extracting(r -> r.get("id").asText()).contains(id);
        assertThat(fixture.get("/api/v1/runs?state=bogus").statusCode()).isEqualTo(400);
        assertThat(fixture.get("/api/v1/runs/no-such-run").statusCode()).isEqualTo(404);
        assertThat(fixture.get("/api/v1/runs/" + id + "/logs/..:passwd").statusCode()).isEqualTo(400);

        // A redelivery after the run finished still does not start another.
        HttpResponse<String> again = gitea("create", ServiceFixture.giteaCreate(tag), "c0ffee00-0000-4000-8000-000000000099");
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(ServiceFixture.json(again).get("run").asText()).isEqualTo(id);
        assertThat(ServiceFixture.json(again).get("status").asText()).isEqualTo("duplicate");
    }

    @Test
    void aPushedModuleTagReleasesThatModuleFromItsCommit() throws Exception {
        // A commit after the suite's, with the module's changelog entry, tagged as Gitea would receive it.
        java.nio.file.Files.writeString(fixture.repo.resolve("src/Authority/CHANGELOG.md"),
                "# Authority\n\n## [1.4.0] - 2026-04-20\n\n- DPoP.\n");
        ServiceFixture.git(fixture.repo, "add", "-A");
        ServiceFixture.git(fixture.repo, "commit", "-q", "-m", "Authority 1.4.0");
        ServiceFixture.git(fixture.repo, "tag", "module-authority-v1.4.0");
        String commit = ServiceFixture.git(fixture.repo, "rev-parse", "HEAD").strip();

        HttpResponse<String> accepted = gitea("create", ServiceFixture.giteaCreate("module-authority-v1.4.0"),
                "33333333-0000-4000-8000-000000000001");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        assertThat(ServiceFixture.json(accepted).get("status").asText()).isEqualTo("accepted");
        String id = ServiceFixture.json(accepted).get("run").asText();

        JsonNode run = fixture.awaitRun(id, r -> !r.at("/run/state").asText().matches("queued|running"), Duration.ofMinutes(3));
        assertThat(run.at("/run/state").asText()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.at("/run/kind").asText()).isEqualTo("module");
        assertThat(run.at("/run/version").asText()).isEqualTo("1.4.0");
        assertThat(run.at("/pipeline/commit").asText()).isEqualTo(commit);
        assertThat(run.at("/pipeline/stages")).extracting(s -> s.get("name").asText())
                .startsWith("validate-module").contains("build-modules", "build-containers");
        assertThat(run.get("files").toString()).contains("module-authority-1.4.0.yaml");
        assertThat(fixture.out.resolve("modules/authority/1.4.0/module-authority-1.4.0.yaml")).exists();

        // A module tag that breaks a module rule is refused with the rule, as suite tags are.
        ServiceFixture.git(fixture.repo, "tag", "module-nope-v1.0.0");
        HttpResponse<String> unknown = gitea("create", ServiceFixture.giteaCreate("module-nope-v1.0.0"),
                "33333333-0000-4000-8000-000000000002");
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(422);
        assertThat(ServiceFixture.json(unknown).get("error").asText()).contains("module-nope-v1.0.0").contains("nope");
    }

    @Test
    void answersEachKindOfBadOrIrrelevantDelivery() {
        byte[] body = ServiceFixture.giteaCreate("suite-2026.04-orion");
        // Wrong codename: a release tag that breaks a rule.
        HttpResponse<String> rule = gitea("create", body, "11111111-0000-4000-8000-000000000001");
        assertThat(rule.statusCode()).isEqualTo(422);
        assertThat(ServiceFixture.json(rule).get("error").asText())
                .isEqualTo("suite-2026.04-orion: codename for 2026.04 must be Nova: got 'orion'");

        HttpResponse<String> unsigned = fixture.post("/api/v1/webhooks/gitea", body,
                Map.of("Content-Type", "application/json", "X-Gitea-Event", "create"));
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(ServiceFixture.json(unsigned).get("error").asText()).contains("X-Gitea-Signature");

        HttpResponse<String> wrong = fixture.post("/api/v1/webhooks/gitea", body, Map.of("Content-Type", "application/json",
                "X-Gitea-Event", "create", "X-Gitea-Signature", WebhookSignatures.hmacHex("other".getBytes(), body)));
        assertThat(wrong.statusCode()).isEqualTo(401);

        byte[] big = new byte[1024 * 1024 + 10];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThat(gitea("create", big, "11111111-0000-4000-8000-000000000002").statusCode()).isEqualTo(413);

        byte[] form = "payload=%7B%7D".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> formPost = fixture.post("/api/v1/webhooks/gitea", form, Map.of(
                "Content-Type", "application/x-www-form-urlencoded", "X-Gitea-Event", "create",
                "X-Gitea-Signature", WebhookSignatures.hmacHex(ServiceFixture.SECRET, form)));
        assertThat(formPost.statusCode()).isEqualTo(415);

        byte[] broken = "{\"ref\": ".getBytes(StandardCharsets.UTF_8);
        assertThat(gitea("create", broken, "11111111-0000-4000-8000-000000000003").statusCode()).isEqualTo(400);

        assertThat(gitea("ping", "{\"zen\":\"hi\"}".getBytes(), "11111111-0000-4000-8000-000000000004").statusCode()).isEqualTo(200);

        HttpResponse<String> branch = gitea("push", ServiceFixture.giteaBranchPush(), "11111111-0000-4000-8000-000000000005");
        assertThat(branch.statusCode()).isEqualTo(202);
        assertThat(ServiceFixture.json(branch).get("status").asText()).isEqualTo("ignored");

        HttpResponse<String> other = gitea("create", ServiceFixture.giteaCreate("v1.0.0"), "11111111-0000-4000-8000-000000000006");
        assertThat(other.statusCode()).isEqualTo(202);
        assertThat(ServiceFixture.json(other).get("reason").asText()).contains("not a release tag");
    }

    @Test
    void theDashboardIsServedWithItsCachingAndContentPolicyHeaders() {
        HttpResponse<String> page = fixture.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        // Revalidated on every load, so a new version of the dashboard is never hidden behind a cached one.
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(p -> assertThat(p)
                .contains("script-src 'self'").contains("default-src 'none'"));
        assertThat(page.body()).contains("dashboard.js");

        HttpResponse<String> script = fixture.get("/dashboard/dashboard.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(script.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(fixture.get("/dashboard/other.js").statusCode()).isEqualTo(404);
        // The API's answers keep Camel's usual filtering: no caching header is invented there.
        assertThat(fixture.get("/api/v1/runs").headers().firstValue("Cache-Control")).isEmpty();
    }

    @Test
    void githubFormatWebhooksAreVerifiedWithTheirOwnHeader() {
        String body = """
                {"ref":"suite-2026.10-orion-stable","ref_type":"tag","master_branch":"main","pusher_type":"user",
                 "repository":{"full_name":"stella-ops.org/git.stella-ops.org","clone_url":"https://github.com/stella-ops/stella.git"},
                 "sender":{"login":"octocat"}}""";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = fixture.post("/api/v1/webhooks/github", bytes, Map.of(
                "Content-Type", "application/json", "X-GitHub-Event", "create",
                "X-GitHub-Delivery", "22222222-0000-4000-8000-000000000001",
                "X-Hub-Signature-256", "sha256=" + WebhookSignatures.hmacHex(ServiceFixture.SECRET, bytes)));
        // A different version from the other tests' runs, so it cannot meet their active run (409).
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(ServiceFixture.json(r).get("tag").asText()).isEqualTo("suite-2026.10-orion-stable");

        HttpResponse<String> giteaStyle = fixture.post("/api/v1/webhooks/github", bytes, Map.of(
                "Content-Type", "application/json", "X-GitHub-Event", "create",
                "X-Hub-Signature-256", WebhookSignatures.hmacHex(ServiceFixture.SECRET, bytes)));
        assertThat(giteaStyle.statusCode()).isEqualTo(401);
    }
}
