package io.stellarelease.service;

import io.stellarelease.intake.HttpAnswerException;
import io.stellarelease.intake.TagEvent;
import io.stellarelease.intake.WebhookEvents;
import io.stellarelease.intake.WebhookOutcome;
import io.stellarelease.intake.WebhookSignatures;
import org.apache.camel.Exchange;

import java.util.Map;

/**
 * The steps of the webhook routes: check size and signature over the raw bytes, parse the event, then
 * hand a release tag to {@link RunIntake}. Each step throws {@link HttpAnswerException} with the answer
 * a sender can act on; nothing is parsed before the signature is verified.
 */
public class WebhookIntake {
    public static final int MAX_BODY = 1024 * 1024;
    private static final String RAW = "stellaRawBody";

    private final WebhookSignatures signatures;
    private final WebhookEvents events = new WebhookEvents();
    private final RunIntake intake;

    public WebhookIntake(WebhookSignatures signatures, RunIntake intake) {
        this.signatures = signatures;
        this.intake = intake;
    }

    public void verifyGitea(Exchange exchange) {
        requireJson(exchange);
        byte[] raw = raw(exchange);
        signatures.verifyGitea(raw, single(exchange, "X-Gitea-Signature"));
    }

    public void verifyGithub(Exchange exchange) {
        requireJson(exchange);
        byte[] raw = raw(exchange);
        signatures.verifyGithub(raw, single(exchange, "X-Hub-Signature-256"));
    }

    public void parseGitea(Exchange exchange) {
        String event = header(exchange, "X-Gitea-Event");
        parse(exchange, WebhookEvents.GITEA, event != null ? event : header(exchange, "X-GitHub-Event"),
                header(exchange, "X-Gitea-Delivery"));
    }

    public void parseGithub(Exchange exchange) {
        parse(exchange, WebhookEvents.GITHUB, header(exchange, "X-GitHub-Event"), header(exchange, "X-GitHub-Delivery"));
    }

    /** Answers the parsed outcome: ping 200, ignored 202, a release tag through the run intake. */
    public HttpAnswer accept(Exchange exchange) {
        WebhookOutcome outcome = exchange.getMessage().getBody(WebhookOutcome.class);
        if (outcome instanceof WebhookOutcome.Ping ping) {
            return new HttpAnswer(200, Map.of("status", "pong"));
        }
        if (outcome instanceof WebhookOutcome.Ignored ignored) {
            return new HttpAnswer(202, Map.of("status", "ignored", "reason", ignored.reason()));
        }
        TagEvent event = ((WebhookOutcome.TagPushed) outcome).event();
        return intake.tagPushed(event);
    }

    private void parse(Exchange exchange, String source, String event, String delivery) {
        String contentType = header(exchange, Exchange.CONTENT_TYPE);
        exchange.getMessage().setBody(events.parse(source, event, delivery, contentType, raw(exchange)));
    }

    /**
     * A form-encoded hook ({@code payload=...}) cannot be verified: its signature covers the JSON, not the
     * bytes sent. So the content type is checked first, from the header alone, before anything reads the body.
     */
    private static void requireJson(Exchange exchange) {
        String type = header(exchange, Exchange.CONTENT_TYPE);
        String base = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (!base.equals("application/json")) {
            throw new HttpAnswerException(415, "webhook content type must be application/json: got '"
                    + (type == null ? "none" : type.length() > 100 ? type.substring(0, 100) : type)
                    + "'; set the hook's content type to JSON");
        }
    }

    /** The request body as sent, read once; over 1 MiB is refused before anything else looks at it. */
    private static byte[] raw(Exchange exchange) {
        byte[] raw = exchange.getProperty(RAW, byte[].class);
        if (raw == null) {
            raw = exchange.getMessage().getBody(byte[].class);
            if (raw == null) {
                raw = new byte[0];
            }
            if (raw.length > MAX_BODY) {
                throw new HttpAnswerException(413, "webhook body is " + raw.length + " bytes: the limit is " + MAX_BODY);
            }
            exchange.setProperty(RAW, raw);
        }
        return raw;
    }

    /** A signature header sent more than once is refused: which one the sender meant cannot be known. */
    private static String single(Exchange exchange, String name) {
        if (exchange.getMessage().getHeader(name) instanceof java.util.Collection<?> values && values.size() > 1) {
            throw new HttpAnswerException(401, name + " header sent " + values.size() + " times: send it exactly once");
        }
        return header(exchange, name);
    }

    private static String header(Exchange exchange, String name) {
        return exchange.getMessage().getHeader(name, String.class);
    }
}
