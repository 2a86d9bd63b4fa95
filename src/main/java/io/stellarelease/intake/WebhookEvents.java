package io.stellarelease.intake;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns a signature-checked Gitea or GitHub webhook into what it asks for: a ping, an ignored event,
 * or a pushed release tag. Only {@code create} (ref_type tag) and {@code push} (refs/tags/...) start
 * releases; a new tag fires both, so the caller deduplicates by tag. Suite rules are not checked here:
 * the caller applies them and answers 422 with the rule's own message.
 */
public final class WebhookEvents {
    public static final String GITEA = "gitea";
    public static final String GITHUB = "github";

    private static final String TAGS_PREFIX = "refs/tags/";
    private static final String HEADS_PREFIX = "refs/heads/";
    private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
    private static final Pattern ZERO_COMMIT = Pattern.compile("0{40}|0{64}");
    private static final Pattern FULL_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}/[A-Za-z0-9._-]{1,100}");
    private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    // Transports git runs safely; anything else (ext::, file://, "-option") could run a command or read local files.
    private static final Pattern CLONE_URL = Pattern.compile(
            "(?:https?|ssh|git)://[\\x21-\\x7e]{1,2000}|[A-Za-z0-9._-]{1,64}@[A-Za-z0-9.-]{1,255}:[\\x21-\\x7e]{1,2000}");
    private static final int SHOWN = 128;

    // Strict reading: duplicate keys or trailing text make a body ambiguous, so it is refused rather than guessed.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * @param source      {@link #GITEA} or {@link #GITHUB}
     * @param eventHeader X-Gitea-Event for Gitea, X-GitHub-Event for GitHub
     * @param deliveryId  X-Gitea-Delivery / X-GitHub-Delivery, may be null
     * @param contentType the request's Content-Type
     * @param rawBody     the body, already verified by {@link WebhookSignatures}
     */
    public WebhookOutcome parse(String source, String eventHeader, String deliveryId, String contentType, byte[] rawBody) {
        String from = checkSource(source);
        requireJsonContentType(contentType);
        String event = eventName(from, eventHeader);
        String delivery = checkDeliveryId(from, deliveryId);
        JsonNode body = readObject(rawBody);
        switch (event) {
            case "ping":
                return new WebhookOutcome.Ping(text(body, "zen"));
            case "create":
                return create(from, delivery, body);
            case "push":
                return push(from, delivery, body);
            default:
                return new WebhookOutcome.Ignored("event '" + UntrustedText.display(event, 64) + "' does not start releases");
        }
    }

    private WebhookOutcome create(String source, String delivery, JsonNode body) {
        String ref = requireRef(body);
        String refType = field(body, "ref_type", "ref_type");
        if (refType == null) {
            throw new HttpAnswerException(400, "create payload has no ref_type");
        }
        if (!refType.equals("tag")) {
            return new WebhookOutcome.Ignored("create of a " + UntrustedText.display(refType, 32) + ", not a tag");
        }
        // Gitea names the tagged commit in sha; GitHub's create event carries none.
        return tagPushed(source, "create", delivery, ref, body, commit(body, "sha"));
    }

    private WebhookOutcome push(String source, String delivery, JsonNode body) {
        String ref = requireRef(body);
        if (ref.startsWith(HEADS_PREFIX)) {
            return new WebhookOutcome.Ignored("push to branch " + UntrustedText.display(ref.substring(HEADS_PREFIX.length()), SHOWN)
                    + ", not a tag");
        }
        if (!ref.startsWith(TAGS_PREFIX)) {
            return new WebhookOutcome.Ignored("push to " + UntrustedText.display(ref, SHOWN) + ", not a tag");
        }
        String after = text(body, "after");
        // Deleting a tag is also a push to refs/tags/...: it must never start a release.
        if (body.path("deleted").asBoolean(false) || (after != null && ZERO_COMMIT.matcher(after).matches())) {
            return new WebhookOutcome.Ignored("tag deleted");
        }
        return tagPushed(source, "push", delivery, ref.substring(TAGS_PREFIX.length()), body, commit(body, "after"));
    }

    private WebhookOutcome tagPushed(String source, String event, String delivery, String rawTag, JsonNode body, String commit) {
        // Unrelated tags (v1.0.0+build.1, release/1.0) are not ours to judge: ignored, not refused.
        if (!TagNames.isReleaseTag(rawTag)) {
            return new WebhookOutcome.Ignored("tag '" + UntrustedText.display(rawTag, TagNames.MAX_LENGTH)
                    + "' is not a release tag (suite-... or module-...)");
        }
        String tag = TagNames.requireSafe(rawTag);
        JsonNode repo = body.path("repository");
        if (!repo.isMissingNode() && !repo.isNull() && !repo.isObject()) {
            throw new HttpAnswerException(400, "repository must be an object: got " + kind(repo));
        }
        String cloneUrl = field(repo, "clone_url", "repository.clone_url");
        if (cloneUrl == null) {
            throw new HttpAnswerException(400, "payload has no repository.clone_url");
        }
        if (!CLONE_URL.matcher(cloneUrl).matches()) {
            throw new HttpAnswerException(400, "repository.clone_url must be an http(s), ssh or git URL: got '"
                    + UntrustedText.display(cloneUrl, SHOWN) + "'");
        }
        String fullName = field(repo, "full_name", "repository.full_name");
        if (fullName == null) {
            throw new HttpAnswerException(400, "payload has no repository.full_name");
        }
        if (!FULL_NAME.matcher(fullName).matches()) {
            throw new HttpAnswerException(400, "repository.full_name must be owner/name: got '"
                    + UntrustedText.display(fullName, SHOWN) + "'");
        }
        return new WebhookOutcome.TagPushed(new TagEvent(source, event, delivery, tag, cloneUrl, commit, fullName));
    }

    private static String checkSource(String source) {
        if (GITEA.equals(source) || GITHUB.equals(source)) {
            return source;
        }
        // Set by our own route, never by the sender: a wrong value is a bug, not a bad request.
        throw new IllegalArgumentException("webhook source must be gitea or github: got " + source);
    }

    private static void requireJsonContentType(String contentType) {
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            // A form-encoded hook sends payload=<urlencoded JSON>: its signature cannot be checked against JSON bytes.
            String got = contentType == null || contentType.isBlank() ? "no content type" : UntrustedText.display(contentType, 100);
            throw new HttpAnswerException(415, "webhook content type must be application/json: got " + got
                    + "; set the hook's content type to JSON");
        }
    }

    private static String eventName(String source, String eventHeader) {
        if (eventHeader == null || eventHeader.isBlank()) {
            throw new HttpAnswerException(400, "missing " + (source.equals(GITEA) ? "X-Gitea-Event" : "X-GitHub-Event") + " header");
        }
        return eventHeader.strip().toLowerCase(Locale.ROOT);
    }

    private static String checkDeliveryId(String source, String deliveryId) {
        if (deliveryId == null || deliveryId.isBlank()) {
            return null;
        }
        String id = deliveryId.strip();
        if (!DELIVERY_ID.matcher(id).matches()) {
            // It is logged and recorded with the run, so only id-like text is kept.
            throw new HttpAnswerException(400, (source.equals(GITEA) ? "X-Gitea-Delivery" : "X-GitHub-Delivery")
                    + " must be an id of letters, digits, '.', '_' or '-': got '" + UntrustedText.display(id, 100) + "'");
        }
        return id;
    }

    private static JsonNode readObject(byte[] rawBody) {
        JsonNode node;
        try {
            node = JSON.readTree(rawBody == null ? new byte[0] : rawBody);
        } catch (JsonProcessingException e) {
            // The original message has no source excerpt; the location is enough to find the fault.
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new HttpAnswerException(400, "malformed JSON: " + UntrustedText.display(e.getOriginalMessage(), 200) + where);
        } catch (IOException e) {
            throw new HttpAnswerException(400, "malformed JSON: " + UntrustedText.display(e.getMessage(), 200));
        }
        if (node == null || node.isMissingNode()) {
            throw new HttpAnswerException(400, "malformed JSON: the body is empty");
        }
        if (!node.isObject()) {
            throw new HttpAnswerException(400, "malformed JSON: the body must be a JSON object, got " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return node;
    }

    private static String requireRef(JsonNode body) {
        String ref = field(body, "ref", "ref");
        if (ref == null || ref.isEmpty()) {
            throw new HttpAnswerException(400, "payload has no ref");
        }
        return ref;
    }

    /** A commit id as lower-case hex, null when absent; anything else is refused before it can reach git. */
    private static String commit(JsonNode body, String field) {
        String value = text(body, field);
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (!COMMIT.matcher(value).matches()) {
            throw new HttpAnswerException(400, "payload's " + field + " must be a commit id (40 or 64 hex digits): got '"
                    + UntrustedText.display(value, 80) + "'");
        }
        return value.toLowerCase(Locale.ROOT);
    }

    /** The field's text when it is a JSON string; null when absent, null, or another type. */
    /** A text field; null when absent or null; any other kind is refused naming the field and the kind sent. */
    private static String field(JsonNode node, String field, String shown) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new HttpAnswerException(400, shown + " must be a string: got " + kind(value));
        }
        return value.textValue();
    }

    private static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            default -> value.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }
}
