package io.stellarelease.service;

import io.stellarelease.dispatch.DispatchMessages;
import io.stellarelease.dispatch.DispatchRequest;
import io.stellarelease.intake.HttpAnswerException;
import org.apache.camel.Exchange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Dispatch messages ("Run workflow" as a message) from the queue and from {@code POST /api/v1/dispatch}:
 * parsed, checked, turned into runs by {@link RunIntake}. A message is acknowledged (file moved to done,
 * RabbitMQ message acked) only after its run is durably recorded, because the route ends only then.
 */
public class DispatchIntake {
    public static final int MAX_MESSAGE = DispatchMessages.MAX_BODY_BYTES;
    /** Where the file queue moves a message when its route ends: {@code done} or {@code failed}. */
    public static final String DISPOSITION = "stellaDisposition";
    public static final String REASON_HEADER = "x-stella-error";
    private static final String RAW = "stellaRawMessage";

    private final DispatchMessages messages;
    private final RunIntake intake;
    private final byte[] token;

    public DispatchIntake(DispatchMessages messages, RunIntake intake, String token) {
        this.messages = messages;
        this.intake = intake;
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** A queued message: the file name (or the content type) says JSON or YAML. */
    public HttpAnswer fromQueue(Exchange exchange) {
        exchange.setProperty(DISPOSITION, "done");
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        exchange.setProperty(RAW, raw);
        String hint = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        if (hint == null) {
            hint = exchange.getMessage().getHeader("CamelSpringRabbitmqContentType", String.class);
        }
        boolean file = exchange.getFromEndpoint().getEndpointUri().startsWith("file:");
        // The same message seen again (after a crash between recording its run and acknowledging it) is
        // recognised by its name and content, and not run twice.
        String id = file ? hint : exchange.getMessage().getHeader("CamelSpringRabbitmqMessageId", String.class);
        String delivery = (file ? "file:" : "queue:") + (id == null ? "" : id + ":") + sha256(raw);
        HttpAnswer answer = accept(raw, hint, file ? "dispatch-file" : "dispatch-queue", delivery);
        if (answer.status() >= 400) {
            // A conflict (the version is busy) is a rejection too: the message must not vanish as if it ran.
            throw new HttpAnswerException(answer.status(), String.valueOf(((java.util.Map<?, ?>) answer.body()).get("error")));
        }
        return answer;
    }

    /** {@code POST /api/v1/dispatch}, with {@code Authorization: Bearer <token>}. */
    public HttpAnswer fromHttp(Exchange exchange) {
        authorize(exchange);
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        return accept(raw, exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class), "dispatch-http",
                idempotencyKey(exchange));
    }

    /**
     * {@code POST /api/v1/rollback}: a rollback message ({@code kind} may be left out), with the dispatch bearer token.
     * Checked by the same parser as queued rollback messages.
     */
    public HttpAnswer rollbackFromHttp(Exchange exchange) {
        authorize(exchange);
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        if (raw == null || raw.length == 0) {
            throw new HttpAnswerException(400, "rollback request is empty");
        }
        if (raw.length > MAX_MESSAGE) {
            throw new HttpAnswerException(413, "rollback request is " + raw.length + " bytes: the limit is " + MAX_MESSAGE);
        }
        String type = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        DispatchRequest request = messages.parse(withRollbackKind(raw), type);
        if (!(request instanceof io.stellarelease.dispatch.RollbackDispatch rollback)) {
            throw new HttpAnswerException(400, "kind must be rollback on this endpoint: got " + request.kind());
        }
        return intake.rollback(rollback.request(), "rollback-http", idempotencyKey(exchange));
    }

    static final int MAX_IDEMPOTENCY_KEY = 255;

    /** The delivery id an {@code Idempotency-Key} gives, or null; a key is short printable text, else refused by name. */
    private static String idempotencyKey(Exchange exchange) {
        String key = exchange.getMessage().getHeader("Idempotency-Key", String.class);
        if (key == null || key.isBlank()) {
            return null;
        }
        key = key.strip();
        if (key.length() > MAX_IDEMPOTENCY_KEY) {
            throw new HttpAnswerException(400, "Idempotency-Key must be at most " + MAX_IDEMPOTENCY_KEY
                    + " characters: got " + key.length());
        }
        if (!key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new HttpAnswerException(400, "Idempotency-Key must be printable ASCII without spaces: got '"
                    + io.stellarelease.intake.UntrustedText.display(key, 64) + "'");
        }
        return "http:" + key;
    }

    /** The body with {@code "kind": "rollback"} added when it has no kind; anything unreadable is left to the parser. */
    private static byte[] withRollbackKind(byte[] raw) {
        try {
            var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
            var node = yaml.readTree(raw);
            if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object && !object.has("kind")) {
                var withKind = object.objectNode().put("kind", "rollback");
                withKind.setAll(object);
                return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(withKind);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // malformed: the parser says why
        }
        return raw;
    }

    private void authorize(Exchange exchange) {
        if (token == null) {
            throw new HttpAnswerException(503, "dispatch over HTTP is disabled: set STELLA_DISPATCH_TOKEN (stella.dispatch.token)");
        }
        String auth = exchange.getMessage().getHeader("Authorization", String.class);
        if (auth == null || !auth.startsWith("Bearer ")) {
            throw new HttpAnswerException(401, "missing bearer token: send Authorization: Bearer <token>");
        }
        if (!MessageDigest.isEqual(token, auth.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8))) {
            throw new HttpAnswerException(401, "bearer token is not valid");
        }
        String type = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        if (type == null || !(type.contains("json") || type.contains("yaml"))) {
            // A form post (curl -d without -H) would arrive as form fields, not as the message: say so.
            throw new HttpAnswerException(415, "dispatch content type must be application/json or application/yaml: got '"
                    + (type == null ? "none" : type.length() > 100 ? type.substring(0, 100) : type) + "'");
        }
    }

    private HttpAnswer accept(byte[] raw, String hint, String source, String delivery) {
        if (raw == null || raw.length == 0) {
            throw new HttpAnswerException(400, "dispatch message is empty");
        }
        if (raw.length > MAX_MESSAGE) {
            throw new HttpAnswerException(413, "dispatch message is " + raw.length + " bytes: the limit is " + MAX_MESSAGE);
        }
        DispatchRequest request = messages.parse(raw, hint);
        return intake.dispatched(request, source, delivery);
    }

    private static String sha256(byte[] raw) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw == null ? new byte[0] : raw));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The queue's error path: puts the original message back as the body, with the reason in the
     * {@value #REASON_HEADER} header, and marks a file message to move to {@code failed/}. It returns nothing:
     * a bean's return value would become the body, and the dead letter must be the original message.
     */
    public void rejected(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = e == null ? "rejected" : e.getMessage() != null ? e.getMessage() : e.toString();
        exchange.setProperty(DISPOSITION, "failed");
        byte[] raw = exchange.getProperty(RAW, byte[].class);
        if (raw != null) {
            exchange.getMessage().setBody(raw);
        }
        exchange.getMessage().setHeader(REASON_HEADER, reason);
    }
}
