package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.app.CamelApp;
import io.stellarelease.cli.StellaRelease;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same dispatch route on RabbitMQ, against the real broker on this machine (127.0.0.1:5672):
 * the {@code dispatch} command publishes, the service consumes and acknowledges after recording the run,
 * and a message it cannot process lands on the dead-letter queue with the reason in a header.
 */
class RabbitDispatchTest {
    private static final String NAME = "stella.test." + UUID.randomUUID().toString().substring(0, 8);
    private static ServiceFixture fixture;
    private static CamelApp app;
    private static Path properties;
    private static CachingConnectionFactory rabbit;

    @BeforeAll
    static void start() throws Exception {
        try (Socket ignored = new Socket("127.0.0.1", 5672)) {
            // reachable
        } catch (IOException e) {
            throw new AssertionError("RabbitMQ must run on 127.0.0.1:5672 for this test (test.sh starts it with "
                    + "'rabbitmq-server -detached'): " + e.getMessage());
        }
        // Slow builds, so a run is still active when a second message for its version arrives (the 409 path).
        fixture = new ServiceFixture(c -> ServiceFixture.slowModules(c, "3"));
        Map<String, String> overrides = new HashMap<>(fixture.overrides());
        overrides.put("stella.rabbitmq.exchange", NAME);
        overrides.put("stella.rabbitmq.queue", NAME);
        overrides.put("stella.rabbitmq.dead-letter-exchange", NAME + ".dlx");
        overrides.put("stella.rabbitmq.dead-letter-queue", NAME + ".dead");
        overrides.put("stella.dispatch.uri", "spring-rabbitmq:{{stella.rabbitmq.exchange}}?queues={{stella.rabbitmq.queue}}"
                + "&routingKey={{stella.rabbitmq.routing-key}}&autoDeclare=true"
                + "&deadLetterExchange={{stella.rabbitmq.dead-letter-exchange}}&deadLetterQueue={{stella.rabbitmq.dead-letter-queue}}"
                + "&deadLetterRoutingKey={{stella.rabbitmq.dead-letter-routing-key}}&acknowledgeMode=AUTO");
        overrides.put("stella.dispatch.reject-uri", "direct:dispatch-reject-rabbitmq");
        // The dispatch command reads the same settings from a properties file, as a user's would.
        properties = fixture.dir.resolve("application.properties");
        StringBuilder text = new StringBuilder(Files.readString(Path.of("config/application.properties")));
        overrides.forEach((k, v) -> text.append('\n').append(k).append(" = ").append(v));
        text.append("\nstella.config = ").append(fixture.config).append('\n');
        Files.writeString(properties, text);
        app = CamelApp.start(CamelApp.Mode.SERVE, properties, fixture.config, Map.of());
        rabbit = new CachingConnectionFactory("127.0.0.1", 5672);
        rabbit.setUsername("guest");
        rabbit.setPassword("guest");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (rabbit != null) {
            RabbitAdmin admin = new RabbitAdmin(rabbit);
            admin.deleteQueue(NAME);
            admin.deleteQueue(NAME + ".dead");
            admin.deleteExchange(NAME);
            admin.deleteExchange(NAME + ".dlx");
            rabbit.destroy();
        }
    }

    @Test
    void theDispatchCommandQueuesARunThatCompletes() {
        int exit = StellaRelease.commandLine().execute("dispatch", "--properties", properties.toString(),
                "suite", "--version", "2026.10", "--codename", "Orion", "--channel", "stable", "--skip-tests");
        assertThat(exit).isZero();

        JsonNode run = null;
        for (int i = 0; i < 150 && run == null; i++) {
            JsonNode runs = ServiceFixture.json(fixture.get("/api/v1/runs")).get("runs");
            run = StreamSupport.stream(runs.spliterator(), false)
                    .filter(r -> r.get("tag").asText().equals("suite-2026.10-orion-stable")).findFirst().orElse(null);
            ServiceFixture.sleep(200);
        }
        assertThat(run).as("a run for the dispatched message").isNotNull();
        assertThat(run.get("source").asText()).isEqualTo("dispatch-queue");
        JsonNode done = fixture.awaitRun(run.get("id").asText(), r -> !r.at("/run/state").asText().matches("queued|running"),
                Duration.ofMinutes(3));
        assertThat(done.at("/run/state").asText()).as(done.toString()).isEqualTo("succeeded");
        // Acknowledged: nothing is left on the queue.
        assertThat(new RabbitAdmin(rabbit).getQueueInfo(NAME).getMessageCount()).isZero();
    }

    /**
     * Every way a message is rejected (a rule, the size limit, malformed JSON, malformed YAML in a text type,
     * an unknown field, a version with an active run) dead-letters the message as it was sent: the same bytes,
     * content type, message id and headers, plus the reason in {@code x-stella-error}.
     */
    @Test
    void everyRejectedMessageIsDeadLetteredWholeWithItsReason() {
        RabbitTemplate template = new RabbitTemplate(rabbit);
        byte[] big = new byte[5 * 1024 * 1024];
        new java.util.Random(42).nextBytes(big);
        record Sent(String id, String contentType, byte[] body, String reason) { }
        java.util.List<Sent> sent = java.util.List.of(
                new Sent("rule", "application/json", "{\"version\":\"2026.05\",\"codename\":\"Nova\"}".getBytes(StandardCharsets.UTF_8),
                        "suite month must be 04 or 10: got 05"),
                new Sent("size", "application/octet-stream", big, "5242880 bytes"),
                new Sent("malformed", "application/json", "{\"version\": ".getBytes(StandardCharsets.UTF_8), ""),
                // Latin-1, not UTF-8, in a text type: the bytes must survive, not be decoded and re-encoded.
                new Sent("latin1", "text/yaml", "version: 2026.04\ncodename: N\u00f6va\n: [".getBytes(StandardCharsets.ISO_8859_1), ""),
                new Sent("unknown", "application/json",
                        "{\"version\":\"2026.04\",\"codename\":\"Nova\",\"colour\":\"red\"}".getBytes(StandardCharsets.UTF_8), "colour"),
                new Sent("first", "application/json", "{\"version\":\"2026.04\",\"codename\":\"Nova\",\"skipTests\":true}"
                        .getBytes(StandardCharsets.UTF_8), null),
                // The same message under another id: a new request, refused while the first one's run is active.
                new Sent("busy", "application/json", "{\"version\":\"2026.04\",\"codename\":\"Nova\",\"skipTests\":true}"
                        .getBytes(StandardCharsets.UTF_8), "version 2026.04 has an active run"));
        String prefix = UUID.randomUUID() + "-";
        for (Sent m : sent) {
            MessageProperties props = new MessageProperties();
            props.setContentType(m.contentType());
            props.setMessageId(prefix + m.id());
            props.setCorrelationId("corr-" + m.id());
            props.setHeader("x-trace", "trace-" + m.id());
            template.send(NAME, "dispatch", new Message(m.body(), props));
        }

        Map<String, Message> dead = new HashMap<>();
        for (int i = 0; i < sent.size() - 1; i++) {
            Message message = template.receive(NAME + ".dead", 60_000);
            assertThat(message).as("dead letter " + (i + 1) + " of " + (sent.size() - 1) + " on " + NAME + ".dead").isNotNull();
            dead.put(message.getMessageProperties().getMessageId(), message);
        }
        for (Sent m : sent) {
            Message letter = dead.get(prefix + m.id());
            if (m.reason() == null) {
                assertThat(letter).as("the accepted message is not dead-lettered").isNull();
                continue;
            }
            assertThat(letter).as("dead letter of '" + m.id() + "'; got " + dead.keySet()).isNotNull();
            MessageProperties props = letter.getMessageProperties();
            assertThat(letter.getBody()).as(m.id() + ": the original bytes").isEqualTo(m.body());
            assertThat(props.getContentType()).as(m.id()).isEqualTo(m.contentType());
            assertThat(props.getCorrelationId()).as(m.id()).isEqualTo("corr-" + m.id());
            assertThat(String.valueOf((Object) props.getHeader("x-trace"))).as(m.id()).isEqualTo("trace-" + m.id());
            assertThat(String.valueOf((Object) props.getHeader("x-stella-error"))).as(m.id()).isNotBlank().contains(m.reason());
            // Only the sender's headers and the reason: nothing of Camel's own leaks into the letter.
            assertThat(props.getHeaders().keySet()).as(m.id()).containsExactlyInAnyOrder("x-trace", "x-stella-error");
        }
    }

    @Test
    void anUnprocessableMessageGoesToTheDeadLetterQueueWithItsReason() {
        RabbitTemplate template = new RabbitTemplate(rabbit);
        MessageProperties props = new MessageProperties();
        props.setContentType("application/json");
        template.send(NAME, "dispatch", new Message("{\"version\":\"2026.05\",\"codename\":\"Nova\"}".getBytes(StandardCharsets.UTF_8), props));

        Message dead = template.receive(NAME + ".dead", 30_000);
        assertThat(dead).as("a message on " + NAME + ".dead").isNotNull();
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).contains("2026.05");
        assertThat(String.valueOf((Object) dead.getMessageProperties().getHeader("x-stella-error")))
                .contains("suite month must be 04 or 10: got 05");
    }
}
