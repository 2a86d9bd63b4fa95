package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.app.CamelApp;
import io.stellarelease.intake.WebhookSignatures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's HTTP server with real clients (java.net.http and raw sockets): stalled clients are closed while
 * others are served, connections are capped, and every answer, errors Vert.x makes itself too, is JSON with nosniff.
 */
class HttpServerTest {
    private static final int MAX_CONNECTIONS = 12;
    private static ServiceFixture fixture;
    private static CamelApp app;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ServiceFixture(c -> { });
        Map<String, String> overrides = new HashMap<>(fixture.overrides());
        overrides.put("stella.http.request-read-timeout", "2s");
        overrides.put("stella.http.idle-timeout", "20s");
        overrides.put("stella.http.max-connections", Integer.toString(MAX_CONNECTIONS));
        app = CamelApp.start(CamelApp.Mode.SERVE, Path.of("config/application.properties"), fixture.config, overrides);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", fixture.port);
        socket.setSoTimeout(15_000);
        return socket;
    }

    /** Everything the server sends until it closes the connection; fails if it keeps it open for 15 s. */
    private static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept a stalled connection open; it sent: " + all.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // reset by the server: closed
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    private static void assertJsonError(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).as("content type").hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        JsonNode body = ServiceFixture.json(r);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("error").asText()).isNotBlank();
    }

    private static HttpResponse<String> send(String method, String path, Map<String, List<String>> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.port + path))
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach((name, values) -> values.forEach(v -> b.header(name, v)));
        return fixture.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void stalledClientsAreClosedWhileOthersAreServed() throws Exception {
        List<Socket> headersStalled = new ArrayList<>();
        List<Socket> bodyStalled = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = socket();
                s.getOutputStream().write("POST /api/v1/webhooks/gitea HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty".getBytes());
                s.getOutputStream().flush();
                headersStalled.add(s);
            }
            for (int i = 0; i < 2; i++) {
                Socket s = socket();
                s.getOutputStream().write(("POST /api/v1/webhooks/gitea HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{\"ref\":").getBytes());
                s.getOutputStream().flush();
                bodyStalled.add(s);
            }

            HttpResponse<String> served = fixture.get("/api/v1/runs");
            assertThat(served.statusCode()).as("a normal request while five clients stall").isEqualTo(200);

            for (Socket s : headersStalled) {
                assertThat(readUntilClosed(s)).as("answer to a client stalled in its headers").isEmpty();
            }
            for (Socket s : bodyStalled) {
                String answer = readUntilClosed(s);
                assertThat(answer).startsWith("HTTP/1.1 408").contains("\"status\":408");
            }
            assertThat(fixture.get("/api/v1/runs").statusCode()).isEqualTo(200);
        } finally {
            for (Socket s : headersStalled) {
                s.close();
            }
            for (Socket s : bodyStalled) {
                s.close();
            }
        }
    }

    @Test
    void connectionsPastTheCapAreClosedAtOnce() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            // The client pool may hold a connection or two; fill up to the cap with idle sockets.
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                idle.add(socket());
            }
            ServiceFixture.sleep(500); // accepted connections are handed to several event loops: let them all count
            Socket extra = socket();
            extra.getOutputStream().write("GET /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes());
            assertThat(readUntilClosed(extra)).as("answer on a connection past the cap").isEmpty();
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
        // Once the idle sockets are gone, others are served again.
        HttpResponse<String> r = null;
        for (int i = 0; i < 50 && (r == null || r.statusCode() != 200); i++) {
            try {
                r = send("GET", "/api/v1/runs", Map.of());
            } catch (IOException e) {
                ServiceFixture.sleep(100);
            }
        }
        assertThat(r).isNotNull();
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathsAndMethodsAnswerJson() throws Exception {
        assertJsonError(send("GET", "/no/such/thing", Map.of()), 404);
        assertJsonError(send("DELETE", "/api/v1/runs", Map.of()), 405);
        assertJsonError(send("GET", "/api/v1/dispatch", Map.of()), 405);
        assertJsonError(send("GET", "/api/v1/runs/20990101T000000-ffff", Map.of()), 404);
    }

    @Test
    void headWorksWhereGetDoesWithTheSameHeadersAndNoBody() throws Exception {
        for (String path : List.of("/api/v1/runs", "/", "/api/v1/releases")) {
            HttpResponse<String> get = send("GET", path, Map.of());
            HttpResponse<String> head = send("HEAD", path, Map.of());
            assertThat(get.statusCode()).as("GET " + path).isEqualTo(200);
            assertThat(head.statusCode()).as("HEAD " + path).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            for (String name : List.of("Content-Type", "X-Content-Type-Options", "Cache-Control", "ETag")) {
                assertThat(head.headers().allValues(name)).as(name + " of HEAD " + path).isEqualTo(get.headers().allValues(name));
            }
            assertThat(get.headers().firstValue("X-Content-Type-Options")).as("nosniff on GET " + path).hasValue("nosniff");
        }
        HttpResponse<String> missing = send("HEAD", "/api/v1/runs/20990101T000000-ffff", Map.of());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEmpty();
    }

    @Test
    void aBodyOverTheServerLimitIsAJson413() throws Exception {
        int size = 5 * 1024 * 1024;
        try (Socket s = socket()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/webhooks/gitea HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + size + "\r\n\r\n").getBytes());
            Thread writer = new Thread(() -> {
                try {
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) ' ');
                    for (int sent = 0; sent < size; sent += chunk.length) {
                        out.write(chunk);
                    }
                } catch (IOException e) {
                    // the server answered and closed before the whole body was sent
                }
            });
            writer.start();
            String answer = readUntilClosed(s);
            writer.join(30_000);
            assertThat(answer).startsWith("HTTP/1.1 413");
            assertThat(answer.toLowerCase()).contains("content-type: application/json").contains("x-content-type-options: nosniff");
            JsonNode body = ServiceFixture.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertThat(body.get("status").asInt()).isEqualTo(413);
            assertThat(body.get("error").asText()).contains("4194304");
        }
    }

    @Test
    void headersOverTheServerLimitAreAJson431() throws Exception {
        try (Socket s = socket()) {
            s.getOutputStream().write(("GET /api/v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "a".repeat(20_000)
                    + "\r\n\r\n").getBytes());
            String answer = readUntilClosed(s);
            assertThat(answer).startsWith("HTTP/1.1 431");
            assertThat(answer.toLowerCase()).contains("content-type: application/json");
            JsonNode body = ServiceFixture.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
            assertThat(body.get("status").asInt()).isEqualTo(431);
        }
    }

    @Test
    void aDuplicatedSignatureHeaderIsRefusedSayingSo() throws Exception {
        byte[] body = ServiceFixture.giteaCreate("suite-2026.04-nova");
        String good = WebhookSignatures.hmacHex(ServiceFixture.SECRET, body);
        for (var hook : List.of(List.of("/api/v1/webhooks/gitea", "X-Gitea-Signature", good),
                List.of("/api/v1/webhooks/github", "X-Hub-Signature-256", "sha256=" + good))) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.port + hook.get(0)))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Content-Type", "application/json").header("X-Gitea-Event", "create").header("X-GitHub-Event", "create")
                    .header(hook.get(1), hook.get(2)).header(hook.get(1), hook.get(2).replace('a', 'b'))
                    .build();
            HttpResponse<String> r = fixture.http.send(request, HttpResponse.BodyHandlers.ofString());
            assertJsonError(r, 401);
            assertThat(ServiceFixture.json(r).get("error").asText()).contains(hook.get(1)).contains("2 times");
        }
    }
}
