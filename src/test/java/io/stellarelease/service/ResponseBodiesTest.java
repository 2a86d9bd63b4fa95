package io.stellarelease.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stellarelease.intake.HttpAnswerException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers leave as a body platform-http writes to the response at once, with its Content-Length: a ByteBuffer (or
 * text). A byte[] is turned into an InputStream and pumped through the event loop in chunks: in the webhook bench that
 * cost a third of the ignored requests per second and half of the accepted ones (bench/NOTES.md, round eleven). The
 * whole answer is there, and each answer is its own.
 */
class ResponseBodiesTest {

    private final DefaultCamelContext context = new DefaultCamelContext();

    @Test
    void aJsonAnswerAndAnErrorAreWholeBuffers() throws Exception {
        Exchange answered = new DefaultExchange(context);
        answered.getMessage().setBody(new HttpAnswer(202, Map.of("run", "r-1", "tag", "suite-2026.04-nova")));
        new HttpAnswers().write(answered);
        assertThat(answered.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(202);
        assertThat(answered.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(json(answered)).isEqualTo(Map.of("run", "r-1", "tag", "suite-2026.04-nova"));

        Exchange failed = new DefaultExchange(context);
        failed.setProperty(Exchange.EXCEPTION_CAUGHT, new HttpAnswerException(400, "payload has no ref"));
        new HttpAnswers().error(failed);
        assertThat(failed.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(json(failed)).isEqualTo(Map.of("status", 400, "error", "payload has no ref"));
    }

    @Test
    void eachDashboardRequestGetsTheWholeFile() {
        DashboardAssets assets = new DashboardAssets();
        byte[] first = null;
        for (int i = 0; i < 2; i++) {
            Exchange exchange = new DefaultExchange(context);
            assets.page(exchange);
            assertThat(exchange.getMessage().getBody()).isInstanceOf(ByteBuffer.class);
            byte[] page = bytes(exchange.getMessage().getBody(ByteBuffer.class));
            assertThat(new String(page, StandardCharsets.UTF_8)).contains("<html");
            if (first == null) {
                first = page;
            } else {
                assertThat(page).isEqualTo(first); // a buffer of its own: the first answer's reading did not consume it
            }
        }
    }

    private static Object json(Exchange exchange) throws Exception {
        assertThat(exchange.getMessage().getBody()).isInstanceOf(ByteBuffer.class);
        return new ObjectMapper().readValue(bytes(exchange.getMessage().getBody(ByteBuffer.class)), Map.class);
    }

    /** What platform-http reads: the buffer's content from its position (and this reading advances it, as that one does). */
    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
