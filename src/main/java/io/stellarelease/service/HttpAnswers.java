package io.stellarelease.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stellarelease.intake.HttpAnswerException;
import io.stellarelease.rules.ReleaseRuleException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes {@link HttpAnswer}s and errors as JSON responses, the same shape for every route. */
public class HttpAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(HttpAnswers.class);
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public void write(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        HttpAnswer answer = body instanceof HttpAnswer a ? a : new HttpAnswer(200, body);
        if (answer.body() instanceof java.nio.file.Path file) {
            // A file is streamed as it is, with the content type its answer chose.
            exchange.getMessage().removeHeaders("*");
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, answer.status());
            exchange.getMessage().setBody(file.toFile());
        } else {
            respond(exchange, answer.status(), answer.body());
        }
        answer.headers().forEach(exchange.getMessage()::setHeader);
    }

    /** The error handler of the HTTP routes: a rule or a request problem answers with its status and reason. */
    public void error(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String message;
        if (e instanceof HttpAnswerException answer) {
            status = answer.status();
            message = answer.getMessage();
        } else if (e instanceof ReleaseRuleException rule) {
            status = 422;
            message = rule.getMessage();
        } else {
            status = 500;
            message = "internal error: " + (e == null ? "unknown" : e.getClass().getSimpleName() + ": " + e.getMessage());
            LOG.error("request failed", e);
        }
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("status", status);
        error.put("error", message);
        respond(exchange, status, error);
    }

    private void respond(Exchange exchange, int status, Object body) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (body instanceof String text) {
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getMessage().setBody(text);
            return;
        }
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            // A ByteBuffer, not the byte[]: platform-http writes a ByteBuffer (or a String) to the response at once, with
            // its Content-Length, but turns a byte[] into an InputStream and pumps it through the event loop in chunks.
            exchange.getMessage().setBody(ByteBuffer.wrap(json.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
