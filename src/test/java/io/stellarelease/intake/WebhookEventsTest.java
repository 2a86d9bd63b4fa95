package io.stellarelease.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.intake.WebhookOutcome.Ignored;
import io.stellarelease.intake.WebhookOutcome.Ping;
import io.stellarelease.intake.WebhookOutcome.TagPushed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static io.stellarelease.intake.WebhookEvents.GITEA;
import static io.stellarelease.intake.WebhookEvents.GITHUB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Webhook bodies to outcomes: Gitea's real samples adapted to release tags, and GitHub-format bodies. */
class WebhookEventsTest {
    private static final String JSON = "application/json";
    private static final String DELIVERY = "f6266f16-1bf3-46a5-9ea4-602e06ead473";
    private static final String TAG = "suite-2026.04-nova";
    private static final String SHA = "ef98532add3b2feb7a137426bba1248724367df5";
    private static final String GITEA_CLONE = "http://gitea.golang.org/gordon/hello-world.git";

    private final WebhookEvents events = new WebhookEvents();

    // --- Gitea, from the real samples ---

    @Test
    void giteaCreateTag() {
        WebhookOutcome outcome = gitea("create", GiteaSamples.bytes(GiteaSamples.createTag(TAG)));
        assertThat(outcome).isEqualTo(new TagPushed(
                new TagEvent("gitea", "create", DELIVERY, TAG, GITEA_CLONE, SHA, "gordon/hello-world")));
    }

    @Test
    void giteaPushTag() {
        WebhookOutcome outcome = gitea("push", GiteaSamples.bytes(GiteaSamples.pushTag(TAG)));
        assertThat(outcome).isEqualTo(new TagPushed(
                new TagEvent("gitea", "push", DELIVERY, TAG, GITEA_CLONE, SHA, "gordon/hello-world")));
    }

    @Test
    void giteaModuleTag() {
        WebhookOutcome outcome = gitea("create", GiteaSamples.bytes(GiteaSamples.createTag("module-authority-1.4.0")));
        assertThat(outcome).isInstanceOfSatisfying(TagPushed.class,
                t -> assertThat(t.event().tag()).isEqualTo("module-authority-1.4.0"));
    }

    @Test
    void giteaBranchPushIsIgnored() {
        assertThat(gitea("push", GiteaSamples.raw(GiteaSamples.PUSH_BRANCH)))
                .isEqualTo(new Ignored("push to branch main, not a tag"));
    }

    @Test
    void giteaNonReleaseTagIsIgnored() {
        // The create sample as stored names tag v1.0.0.
        assertThat(gitea("create", GiteaSamples.raw(GiteaSamples.CREATE_TAG)))
                .isEqualTo(new Ignored("tag 'v1.0.0' is not a release tag (suite-... or module-...)"));
    }

    @Test
    void giteaCreateBranchIsIgnored() {
        ObjectNode body = GiteaSamples.createTag("feature-x");
        body.put("ref_type", "branch");
        assertThat(gitea("create", GiteaSamples.bytes(body))).isEqualTo(new Ignored("create of a branch, not a tag"));
    }

    @Test
    void giteaTagDeletionPushIsIgnored() {
        ObjectNode deleted = GiteaSamples.pushTag(TAG);
        deleted.put("deleted", true);
        assertThat(gitea("push", GiteaSamples.bytes(deleted))).isEqualTo(new Ignored("tag deleted"));

        // Gitea's delete push: no deleted flag, after is all zeros.
        ObjectNode zeros = GiteaSamples.pushTag(TAG);
        zeros.put("after", "0".repeat(40));
        assertThat(gitea("push", GiteaSamples.bytes(zeros))).isEqualTo(new Ignored("tag deleted"));
    }

    @Test
    void missingRef() {
        ObjectNode create = GiteaSamples.createTag(TAG);
        create.remove("ref");
        assertAnswer(() -> gitea("create", GiteaSamples.bytes(create)), 400, "payload has no ref");
        ObjectNode push = GiteaSamples.pushTag(TAG);
        push.remove("ref");
        assertAnswer(() -> gitea("push", GiteaSamples.bytes(push)), 400, "payload has no ref");
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedWithItsType() {
        ObjectNode create = GiteaSamples.createTag(TAG);
        create.put("ref", 5);
        assertAnswer(() -> gitea("create", GiteaSamples.bytes(create)), 400, "ref must be a string: got a number");
        ObjectNode refType = GiteaSamples.createTag(TAG);
        refType.putArray("ref_type").add("tag");
        assertAnswer(() -> gitea("create", GiteaSamples.bytes(refType)), 400, "ref_type must be a string: got an array");
        ObjectNode push = GiteaSamples.pushTag(TAG);
        ((ObjectNode) push.get("repository")).putObject("clone_url");
        assertAnswer(() -> gitea("push", GiteaSamples.bytes(push)), 400, "repository.clone_url must be a string: got an object");
        ObjectNode name = GiteaSamples.pushTag(TAG);
        ((ObjectNode) name.get("repository")).put("full_name", true);
        assertAnswer(() -> gitea("push", GiteaSamples.bytes(name)), 400, "repository.full_name must be a string: got a boolean");
        ObjectNode repo = GiteaSamples.pushTag(TAG);
        repo.put("repository", "owner/name");
        assertAnswer(() -> gitea("push", GiteaSamples.bytes(repo)), 400, "repository must be an object: got a string");
    }

    @Test
    void giteaEventHeaderIsCaseAndSpaceTolerant() {
        assertThat(events.parse(GITEA, " Create ", DELIVERY, JSON, GiteaSamples.bytes(GiteaSamples.createTag(TAG))))
                .isInstanceOf(TagPushed.class);
    }

    // --- GitHub-format bodies ---

    @Test
    void githubCreateTagHasNoCommit() {
        String body = """
                {"ref": "suite-2026.04-nova", "ref_type": "tag", "master_branch": "main", "pusher_type": "user",
                 "repository": {"full_name": "stella-ops/stellaops", "clone_url": "https://github.com/stella-ops/stellaops.git"}}
                """;
        assertThat(github("create", body)).isEqualTo(new TagPushed(new TagEvent("github", "create", DELIVERY, TAG,
                "https://github.com/stella-ops/stellaops.git", null, "stella-ops/stellaops")));
    }

    @Test
    void githubPushTag() {
        String body = githubPush("refs/tags/suite-2026.04-nova", "0".repeat(40), SHA.toUpperCase(), false);
        assertThat(github("push", body)).isEqualTo(new TagPushed(new TagEvent("github", "push", DELIVERY, TAG,
                "https://github.com/stella-ops/stellaops.git", SHA, "stella-ops/stellaops")));
    }

    @Test
    void githubTagDeletionIsIgnored() {
        String body = githubPush("refs/tags/suite-2026.04-nova", SHA, "0".repeat(40), true);
        assertThat(github("push", body)).isEqualTo(new Ignored("tag deleted"));
    }

    @Test
    void githubBranchPushIsIgnored() {
        assertThat(github("push", githubPush("refs/heads/release/2026.04", "0".repeat(40), SHA, false)))
                .isEqualTo(new Ignored("push to branch release/2026.04, not a tag"));
    }

    @Test
    void githubPing() {
        String body = """
                {"zen": "Design for failure.", "hook_id": 30, "hook": {"type": "Repository", "events": ["create", "push"]}}
                """;
        assertThat(github("ping", body)).isEqualTo(new Ping("Design for failure."));
    }

    @ParameterizedTest
    @ValueSource(strings = {"issues", "pull_request", "release", "delete", "workflow_run"})
    void otherEventsAreIgnored(String event) {
        // Even with a release tag in the body, only create and push start releases.
        assertThat(github(event, "{\"ref\": \"suite-2026.04-nova\", \"action\": \"opened\"}"))
                .isEqualTo(new Ignored("event '" + event + "' does not start releases"));
    }

    // --- refusals ---

    @Test
    void formEncodedHookIs415() {
        byte[] form = ("payload=" + java.net.URLEncoder.encode("{\"ref\":\"suite-2026.04-nova\"}", StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        assertAnswer(() -> events.parse(GITEA, "create", DELIVERY, "application/x-www-form-urlencoded", form), 415,
                "webhook content type must be application/json: got application/x-www-form-urlencoded;"
                        + " set the hook's content type to JSON");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"text/plain", "application/jsonp", "application/json-patch+json", "multipart/form-data; boundary=x"})
    void otherContentTypesAre415(String contentType) {
        assertThatThrownBy(() -> events.parse(GITEA, "create", DELIVERY, contentType, "{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(HttpAnswerException.class, e -> {
                    assertThat(e.status()).isEqualTo(415);
                    assertThat(e.getMessage()).startsWith("webhook content type must be application/json: got ")
                            .endsWith("; set the hook's content type to JSON");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=utf-8", "Application/JSON;charset=UTF-8", " application/json "})
    void jsonWithCharsetIsAccepted(String contentType) {
        assertThat(events.parse(GITEA, "create", DELIVERY, contentType, GiteaSamples.bytes(GiteaSamples.createTag(TAG))))
                .isInstanceOf(TagPushed.class);
    }

    @Test
    void malformedJsonIs400WithoutEchoingTheBody() {
        String body = "{\"ref\": \"suite-2026.04-nova\", \"secret\": \"do-not-echo-me\", \"ref_type\": tag}";
        assertThatThrownBy(() -> gitea("create", body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(HttpAnswerException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).startsWith("malformed JSON: ").contains("line 1")
                            .doesNotContain("do-not-echo-me").doesNotContain("suite-2026.04-nova");
                });
    }

    @Test
    void bodiesThatAreNotOneJsonObjectAre400() {
        assertAnswer(() -> gitea("create", new byte[0]), 400, "malformed JSON: the body is empty");
        assertAnswer(() -> gitea("create", "[1, 2]".getBytes(StandardCharsets.UTF_8)), 400,
                "malformed JSON: the body must be a JSON object, got array");
        assertThatThrownBy(() -> gitea("create", "{} {}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(HttpAnswerException.class, e -> assertThat(e.status()).isEqualTo(400));
        // Two refs: which one would be released? Refused rather than guessed.
        assertThatThrownBy(() -> gitea("create", "{\"ref\": \"suite-2026.04-nova\", \"ref\": \"v1\", \"ref_type\": \"tag\"}"
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(HttpAnswerException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" "})
    void missingEventHeaderIs400(String header) {
        byte[] body = GiteaSamples.bytes(GiteaSamples.createTag(TAG));
        assertAnswer(() -> events.parse(GITEA, header, DELIVERY, JSON, body), 400, "missing X-Gitea-Event header");
        assertAnswer(() -> events.parse(GITHUB, header, DELIVERY, JSON, body), 400, "missing X-GitHub-Event header");
    }

    @Test
    void hostileTagNamesAre422() {
        assertAnswer(() -> gitea("create", GiteaSamples.bytes(GiteaSamples.createTag("suite-2026.04-nova;rm -rf /"))), 422,
                "tag 'suite-2026.04-nova;rm -rf /' has characters a release tag cannot have");
        assertAnswer(() -> gitea("push", GiteaSamples.bytes(GiteaSamples.pushTag("suite-2026.04-nova\nINFO forged log line"))), 422,
                "tag 'suite-2026.04-nova?INFO forged log line' has characters a release tag cannot have");
        assertAnswer(() -> gitea("create", GiteaSamples.bytes(GiteaSamples.createTag("suite-2026.04-nov\u0430"))), 422,
                "tag 'suite-2026.04-nov?' has characters a release tag cannot have");
        // Not a release tag at all: not ours to refuse, so ignored (and shown safely).
        assertThat(gitea("push", GiteaSamples.bytes(GiteaSamples.pushTag("../../etc/passwd"))))
                .isEqualTo(new WebhookOutcome.Ignored("tag '../../etc/passwd' is not a release tag (suite-... or module-...)"));

        String tooLong = "suite-" + "a".repeat(200);
        assertThatThrownBy(() -> gitea("create", GiteaSamples.bytes(GiteaSamples.createTag(tooLong))))
                .isInstanceOfSatisfying(HttpAnswerException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.getMessage()).isEqualTo("tag '" + tooLong.substring(0, 128)
                            + "...' has characters a release tag cannot have");
                });
        // 128 characters is still a name; whether it is a valid suite tag is the caller's check.
        String longest = "suite-" + "a".repeat(122);
        assertThat(gitea("create", GiteaSamples.bytes(GiteaSamples.createTag(longest)))).isInstanceOf(TagPushed.class);
    }

    @Test
    void cloneUrlMustBeAGitTransportThatRunsNothing() {
        for (String url : new String[]{"ext::sh -c touch% /tmp/pwned", "--upload-pack=touch /tmp/pwned", "file:///etc",
                "/srv/git/repo.git", "https://example.org/a b.git"}) {
            ObjectNode body = GiteaSamples.createTag(TAG);
            ((ObjectNode) body.get("repository")).put("clone_url", url);
            assertThatThrownBy(() -> gitea("create", GiteaSamples.bytes(body)))
                    .isInstanceOfSatisfying(HttpAnswerException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.getMessage()).startsWith("repository.clone_url must be an http(s), ssh or git URL");
                    });
        }
        ObjectNode scp = GiteaSamples.createTag(TAG);
        ((ObjectNode) scp.get("repository")).put("clone_url", "git@gitea.golang.org:gordon/hello-world.git");
        assertThat(gitea("create", GiteaSamples.bytes(scp))).isInstanceOfSatisfying(TagPushed.class,
                t -> assertThat(t.event().cloneUrl()).isEqualTo("git@gitea.golang.org:gordon/hello-world.git"));
    }

    @Test
    void commitMustBeACommitId() {
        ObjectNode body = GiteaSamples.pushTag(TAG);
        body.put("after", "HEAD; rm -rf /");
        assertAnswer(() -> gitea("push", GiteaSamples.bytes(body)), 400,
                "payload's after must be a commit id (40 or 64 hex digits): got 'HEAD; rm -rf /'");
    }

    @Test
    void repositoryIsRequiredForARelease() {
        ObjectNode body = GiteaSamples.createTag(TAG);
        body.remove("repository");
        assertAnswer(() -> gitea("create", GiteaSamples.bytes(body)), 400, "payload has no repository.clone_url");
    }

    @Test
    void deliveryIdIsCheckedBeforeItIsRecorded() {
        byte[] body = GiteaSamples.bytes(GiteaSamples.createTag(TAG));
        assertAnswer(() -> events.parse(GITEA, "create", "abc\r\nX-Injected: 1", JSON, body), 400,
                "X-Gitea-Delivery must be an id of letters, digits, '.', '_' or '-': got 'abc??X-Injected: 1'");
        assertThat(events.parse(GITEA, "create", null, JSON, body)).isInstanceOfSatisfying(TagPushed.class,
                t -> assertThat(t.event().deliveryId()).isNull());
    }

    private WebhookOutcome gitea(String event, byte[] body) {
        return events.parse(GITEA, event, DELIVERY, JSON, body);
    }

    private WebhookOutcome github(String event, String body) {
        return events.parse(GITHUB, event, DELIVERY, JSON, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String githubPush(String ref, String before, String after, boolean deleted) {
        return """
                {"ref": "%s", "before": "%s", "after": "%s", "created": %s, "deleted": %s, "forced": false,
                 "base_ref": null, "commits": [], "head_commit": null,
                 "repository": {"full_name": "stella-ops/stellaops", "clone_url": "https://github.com/stella-ops/stellaops.git"},
                 "pusher": {"name": "stella", "email": "stella@example.org"}}
                """.formatted(ref, before, after, !deleted, deleted);
    }

    private static void assertAnswer(Runnable call, int status, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(HttpAnswerException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}
