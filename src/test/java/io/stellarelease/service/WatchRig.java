package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a post-release watch watches, for real: a real Prometheus (Debian's /usr/bin/prometheus) on a free port, scraping
 * every second a target this rig serves (a gauge, {@code stella_test_error_ratio}, the test sets); a health URL whose
 * status the test sets; an authenticating front of Prometheus' query API that demands a bearer token; and a chat
 * webhook receiver that records what it was sent.
 */
final class WatchRig implements AutoCloseable {
    static final String TOKEN = "prom-token-" + System.nanoTime();

    final AtomicReference<String> gauge = new AtomicReference<>("0");
    final AtomicInteger healthStatus = new AtomicInteger(200);
    /** What the chat webhook answers; only messages it answered 200 count as received. */
    final AtomicInteger hookStatus = new AtomicInteger(200);
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<String> unauthorized = new CopyOnWriteArrayList<>();
    final AtomicInteger queries = new AtomicInteger();
    private final HttpServer server;
    private final Process prometheus;
    private final int prometheusPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WatchRig(Path dir) throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            prometheusPort = s.getLocalPort();
        }
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/metrics", x -> answer(x, 200, "text/plain; version=0.0.4",
                "# HELP stella_test_error_ratio errors per request\n# TYPE stella_test_error_ratio gauge\nstella_test_error_ratio{service=\"gateway\"} "
                        + gauge.get() + "\n"));
        server.createContext("/healthz", x -> answer(x, healthStatus.get(), "application/json", "{\"status\":\"" + healthStatus.get() + "\"}"));
        server.createContext("/hook", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = hookStatus.get();
            if (status == 200) {
                received.add(body);
            }
            answer(x, status, "application/json", status == 200 ? "{}" : "{\"error\":\"unavailable\"}");
        });
        // Prometheus behind a bearer token: the query is forwarded only with the right one.
        server.createContext("/prom/api/v1/query", x -> {
            if (!("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                unauthorized.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
                answer(x, 401, "application/json", "{\"status\":\"error\",\"error\":\"unauthorized\"}");
                return;
            }
            queries.incrementAndGet();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(prometheusUrl()
                        + "/api/v1/query?" + x.getRequestURI().getRawQuery())).GET().build(), HttpResponse.BodyHandlers.ofString());
                answer(x, r.statusCode(), "application/json", r.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer(x, 502, "application/json", "{}");
            }
        });
        server.start();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: gateway\n"
                + "    static_configs:\n      - targets: [\"127.0.0.1:" + server.getAddress().getPort() + "\"]\n");
        if (!Files.isExecutable(Path.of("/usr/bin/prometheus"))) {
            throw new AssertionError("Debian's prometheus is needed by this test (apt-get install prometheus; test.sh installs it)");
        }
        prometheus = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        awaitValue("0");
    }

    String prometheusUrl() {
        return "http://127.0.0.1:" + prometheusPort;
    }

    /** The authenticating front of Prometheus (what the serve-as-a-process test points the watch at). */
    String guardedPrometheusUrl() {
        return base() + "/prom";
    }

    String healthUrl() {
        return base() + "/healthz";
    }

    String hookUrl() {
        return base() + "/hook";
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The watch section for {@code config}: the health URL and the error-ratio query, the webhook URL in a file. */
    void configure(ObjectNode config, Path dir, String window, String prometheusUrl, boolean token) throws IOException {
        ObjectNode watch = config.putObject("watch");
        watch.put("enabled", true).put("window", window).put("timeout", "PT5S").put("template", "config/degraded.md");
        watch.putArray("health").addObject().put("name", "gateway").put("url", healthUrl());
        ObjectNode prom = watch.putObject("prometheus").put("url", prometheusUrl);
        if (token) {
            prom.putObject("token").put("env", "STELLA_PROMETHEUS_TOKEN");
        }
        prom.putArray("queries").addObject().put("name", "error-rate").put("query", "stella_test_error_ratio").put("max", 0.05);
        Path hookFile = dir.resolve("hook-url");
        Files.writeString(hookFile, hookUrl() + "\n");
        ObjectNode announce = config.putObject("announce");
        announce.put("template", "config/announcement.md");
        announce.putObject("links").put("upgrade", "https://docs.example.org/${version}");
        announce.putArray("webhooks").addObject().put("name", "chat").putObject("url").put("file", hookFile.toString());
    }

    /** The degraded notices the receiver got (the release announcements are the other messages). */
    List<String> degradedNotices() {
        return received.stream().filter(m -> m.contains("degraded")).toList();
    }

    /** Sets the gauge and waits until Prometheus' query answers the new value. */
    void setGauge(String value) {
        gauge.set(value);
        awaitValue(value);
    }

    private void awaitValue(String value) {
        Instant end = Instant.now().plusSeconds(60);
        String last = null;
        while (Instant.now().isBefore(end)) {
            if (!prometheus.isAlive()) {
                throw new AssertionError("prometheus exited: see its log");
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(prometheusUrl() + "/api/v1/query?query="
                        + URLEncoder.encode("max(stella_test_error_ratio)", StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
                last = r.body();
                JsonNode result = ServiceFixture.JSON.readTree(r.body()).at("/data/result");
                if (result.size() == 1 && Double.parseDouble(result.get(0).at("/value/1").asText()) == Double.parseDouble(value)) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            ServiceFixture.sleep(200);
        }
        throw new AssertionError("Prometheus did not answer max(stella_test_error_ratio) = " + value + " in 60 s; last: " + last);
    }

    private static void answer(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
        prometheus.destroy();
        try {
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
