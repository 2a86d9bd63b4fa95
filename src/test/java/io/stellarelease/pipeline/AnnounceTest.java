package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The announce stage through the real routes: e-mail to a real SMTP server (GreenMail) through camel-mail, chat
 * webhooks to a local HTTP receiver, the text from the shipped template (config/announcement.md).
 */
class AnnounceTest extends PipelineTestSupport {
    private static final String HOOK_PATH = "/hooks/T0001/B0002/s3cr3t-hook-path";
    private static final String MATRIX_TOKEN = "syt_matrix_token_s3cr3t";

    /** One request the receiver got. */
    record Received(String method, String path, String contentType, String authorization, String body) { }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    /** Answers for the chat hook: 500 while this is above zero (counting down). */
    private final AtomicInteger chatFailures = new AtomicInteger();
    private HttpServer receiver;
    private GreenMail smtp;

    @Override
    protected String[] tags() {
        return new String[] {"suite-2026.04-nova-lts"};
    }

    @Override
    protected void configure(ObjectNode config) {
        try {
            receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            receiver.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestHeaders().getFirst("Authorization"), body));
                boolean fail = exchange.getRequestURI().getPath().startsWith("/hooks/") && chatFailures.getAndDecrement() > 0;
                byte[] answer = (fail ? "{\"error\":\"try later\"}" : "{\"ok\":true}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(fail ? 500 : 200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            receiver.start();
            smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
            smtp.start();
            String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
            Files.writeString(tmp.resolve("chat-hook"), base + HOOK_PATH + "\n");
            Files.writeString(tmp.resolve("matrix-url"), base + "/_matrix/client/v3/rooms/!room:example.org/send/m.room.message\n");
            Files.writeString(tmp.resolve("matrix-token"), MATRIX_TOKEN + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode announce = config.putObject("announce");
        announce.put("template", Fixtures.REPO_ROOT.resolve("config/announcement.md").toString());
        announce.putObject("links").put("upgrade", "https://docs.stella-ops.org/${version}/upgrade");
        announce.put("timeout", "PT20S");
        ObjectNode chat = announce.putArray("webhooks").addObject();
        chat.put("name", "chat");
        chat.putObject("url").put("file", tmp.resolve("chat-hook").toString());
        ObjectNode matrix = ((com.fasterxml.jackson.databind.node.ArrayNode) announce.get("webhooks")).addObject();
        matrix.put("name", "matrix");
        matrix.put("format", "matrix");
        matrix.putObject("url").put("file", tmp.resolve("matrix-url").toString());
        matrix.putObject("token").put("file", tmp.resolve("matrix-token").toString());
        ObjectNode email = announce.putObject("email");
        email.put("host", "127.0.0.1");
        email.put("port", smtp.getSmtp().getPort());
        email.put("from", "releases@stella-ops.org");
        email.putArray("to").add("announce@lists.stella-ops.org").add("ops@stella-ops.org");
    }

    @AfterEach
    void stopServers() {
        if (receiver != null) {
            receiver.stop(0);
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    private void tickChecklist() throws IOException {
        Path checklist = workspace.resolve("docs/release/CHECKLIST.md");
        Files.writeString(checklist, Files.readString(checklist).replace("- [ ]", "- [x]"));
    }

    @Test
    void aReleaseIsAnnouncedOnceByWebhookAndEmailAndADryRunSendsNothing() throws Exception {
        tickChecklist();
        ReleaseRun dry = release("suite-2026.04-nova-lts", true, true);
        assertThat(dry.getFailure()).isNull();
        assertThat(dry.stage("announce").orElseThrow().getStatus()).isEqualTo(Status.SKIPPED);
        assertThat(dry.stage("announce").orElseThrow().getReason()).isEqualTo("dry run: nothing sent; the requests are in release-plan.json");
        assertThat(received).isEmpty();
        assertThat(smtp.getReceivedMessages()).isEmpty();
        Path dir = out.resolve("2026.04");
        JsonNode plan = Fixtures.YAML.readTree(dir.resolve("release-plan.json").toFile());
        List<JsonNode> planned = java.util.stream.StreamSupport.stream(plan.path("requests").spliterator(), false)
                .filter(r -> r.path("stage").asText().equals("announce")).toList();
        assertThat(planned).hasSize(3);
        assertThat(planned.get(0).path("method").asText()).isEqualTo("POST");
        assertThat(planned.get(0).path("url").asText()).isEqualTo("(secret: file " + tmp.resolve("chat-hook") + ")");
        assertThat(planned.get(0).at("/json/text").asText()).startsWith("# StellaOps 2026.04 Nova released");
        assertThat(planned.get(1).path("method").asText()).isEqualTo("PUT");
        assertThat(planned.get(1).at("/json/msgtype").asText()).isEqualTo("m.notice");
        assertThat(planned.get(2).path("method").asText()).isEqualTo("SMTP");
        assertThat(planned.get(2).path("subject").asText()).isEqualTo("StellaOps 2026.04 Nova released");
        assertThat(plan.toString()).doesNotContain("s3cr3t");

        ReleaseRun run = release("suite-2026.04-nova-lts", true);
        assertThat(run.getFailure()).isNull();
        assertThat(run.stage("announce").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        JsonNode manifest = Fixtures.YAML.readTree(dir.resolve("suite-2026.04.yaml").toFile());
        String standardUntil = manifest.at("/suite/support/standardUntil").asText();
        String text = Files.readString(dir.resolve("announcement.md"));
        assertThat(text).startsWith("# StellaOps 2026.04 Nova released\n")
                .contains("on the lts channel (released " + manifest.at("/suite/releasedAt").asText().substring(0, 10) + ")")
                .contains("- Standard support until: " + standardUntil)
                .contains("- Security updates until: " + manifest.at("/suite/support/securityUntil").asText())
                .contains("Codename: Nova.")
                .contains("https://git.stella-ops.org/stella-ops.org/git.stella-ops.org/releases/tag/suite-2026.04-nova-lts")
                .contains("https://docs.stella-ops.org/2026.04/upgrade")
                .doesNotContain("${");
        assertThat(standardUntil).matches("\\d{4}-\\d{2}-\\d{2}");

        assertThat(received).hasSize(2);
        Received chat = received.get(0);
        assertThat(chat.method()).isEqualTo("POST");
        assertThat(chat.path()).isEqualTo(HOOK_PATH);
        assertThat(chat.contentType()).isEqualTo("application/json");
        JsonNode chatJson = Fixtures.YAML.readTree(chat.body());
        assertThat(chatJson.fieldNames()).toIterable().containsExactly("text");
        assertThat(chatJson.get("text").asText()).isEqualTo(text);
        Received matrix = received.get(1);
        assertThat(matrix.method()).isEqualTo("PUT");
        assertThat(matrix.path()).isEqualTo("/_matrix/client/v3/rooms/!room:example.org/send/m.room.message/stella-release.suite-2026.04-nova-lts.matrix");
        assertThat(matrix.authorization()).isEqualTo("Bearer " + MATRIX_TOKEN);
        assertThat(Fixtures.YAML.readTree(matrix.body()).get("body").asText()).isEqualTo(text);

        MimeMessage[] mails = smtp.getReceivedMessages();
        assertThat(mails).hasSize(2); // one delivery per recipient
        assertThat(mails[0].getSubject()).isEqualTo("StellaOps 2026.04 Nova released");
        assertThat(mails[0].getFrom()[0].toString()).isEqualTo("releases@stella-ops.org");
        assertThat(mails[0].getAllRecipients()).extracting(Object::toString)
                .containsExactly("announce@lists.stella-ops.org", "ops@stella-ops.org");
        assertThat(GreenMailUtil.getBody(mails[0]).replace("\r\n", "\n")).contains("- Standard support until: " + standardUntil)
                .contains("Codename: Nova.");

        // The same release again: nothing is sent twice.
        ReleaseRun again = release("suite-2026.04-nova-lts", true);
        assertThat(again.getFailure()).isNull();
        assertThat(again.stage("announce").orElseThrow().getStatus()).isEqualTo(Status.SKIPPED);
        assertThat(again.stage("announce").orElseThrow().getReason()).startsWith("announced earlier (webhook:chat, webhook:matrix, email;");
        assertThat(received).hasSize(2);
        assertThat(smtp.getReceivedMessages()).hasSize(2);
        JsonNode record = Fixtures.YAML.readTree(tmp.resolve("state/history/suites/suite-2026.04-nova-lts.announced.json").toFile());
        assertThat(record.get("sent")).extracting(s -> s.get("target").asText()).containsExactly("webhook:chat", "webhook:matrix", "email");
    }

    @Test
    void aTargetThatFailedIsSentOnTheNextRunAndTheOthersAreNotRepeated() throws Exception {
        tickChecklist();
        chatFailures.set(1);
        ReleaseRun run = release("suite-2026.04-nova-lts", true);
        assertThat(run.isSucceeded()).isFalse();
        assertThat(run.stage("announce").orElseThrow().getStatus()).isEqualTo(Status.FAILED);
        assertThat(run.getFailure()).contains("webhook:chat (webhook chat: HTTP 500: {\"error\":\"try later\"})").doesNotContain("s3cr3t");
        assertThat(received).hasSize(2);
        assertThat(smtp.getReceivedMessages()).hasSize(2);

        ReleaseRun again = release("suite-2026.04-nova-lts", true);
        assertThat(again.getFailure()).isNull();
        assertThat(again.stage("announce").orElseThrow().getSteps()).extracting(s -> s.name()).containsExactly("webhook:chat");
        assertThat(received).hasSize(3).extracting(Received::path).containsExactly(HOOK_PATH,
                "/_matrix/client/v3/rooms/!room:example.org/send/m.room.message/stella-release.suite-2026.04-nova-lts.matrix", HOOK_PATH);
        assertThat(smtp.getReceivedMessages()).hasSize(2);
    }
}
