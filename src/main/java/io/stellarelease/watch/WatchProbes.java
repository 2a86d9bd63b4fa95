package io.stellarelease.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stellarelease.clients.Secret;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.history.ReleaseWatches.CheckResult;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * One round of the watch's checks, in configuration order: each health URL (a GET that must answer an expected status)
 * and each Prometheus instant query ({@code GET <prometheus>/api/v1/query?query=...}) whose every sample must stay within
 * its threshold. A health URL that does not answer is a breach (the service is down); a Prometheus that does not answer,
 * or answers an error, is not (monitoring is down, not the release): that check says so and counts as not breached.
 * The bearer token is read when a query is sent, only put in its header, and never in a result or a log line.
 */
public class WatchProbes {
    public static final String HEALTH = "health";
    public static final String PROMETHEUS = "prometheus";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A check's result and, when breached, the threshold it broke (for the history: "max 0.05", "status 2xx"). */
    public record Outcome(CheckResult result, boolean breached, String threshold) { }

    private final ReleaseConfig.Watch config;
    private final HttpClient http;

    public WatchProbes(ReleaseConfig.Watch config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeoutOrDefault()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public List<Outcome> round() {
        List<Outcome> outcomes = new ArrayList<>();
        config.health().forEach(h -> outcomes.add(health(h)));
        if (config.prometheus() != null) {
            config.prometheus().queries().forEach(q -> outcomes.add(query(config.prometheus(), q)));
        }
        return outcomes;
    }

    Outcome health(ReleaseConfig.HealthCheck check) {
        String expected = check.expect().isEmpty() ? "status 2xx" : "status " + String.join(" or ", check.expect().stream().map(String::valueOf).toList());
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(check.url())).timeout(config.timeoutOrDefault()).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            int code = r.statusCode();
            boolean ok = check.expect().isEmpty() ? code / 100 == 2 : check.expect().contains(code);
            return new Outcome(new CheckResult(check.name(), HEALTH, ok, Integer.toString(code), "GET " + check.url() + ": HTTP " + code),
                    !ok, expected);
        } catch (IOException e) {
            return new Outcome(new CheckResult(check.name(), HEALTH, false, "no answer",
                    "GET " + check.url() + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())), true, expected);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(new CheckResult(check.name(), HEALTH, true, null, "interrupted: not checked"), false, expected);
        }
    }

    Outcome query(ReleaseConfig.Prometheus prometheus, ReleaseConfig.PromQuery q) {
        String threshold = threshold(q);
        String url = prometheus.url().replaceAll("/+$", "") + "/api/v1/query?query=" + URLEncoder.encode(q.query(), StandardCharsets.UTF_8);
        JsonNode answer;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(config.timeoutOrDefault())
                    .header("Accept", "application/json").GET();
            if (prometheus.token() != null) {
                ReleaseConfig.SecretRef ref = prometheus.token();
                Secret token = ref.env() != null ? Secret.fromEnv(ref.env()) : Secret.fromFile(Path.of(ref.file()));
                request.header("Authorization", "Bearer " + token.reveal());
            }
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                return unknown(q, "Prometheus answered HTTP " + r.statusCode() + errorOf(r.body()));
            }
            answer = JSON.readTree(r.body());
        } catch (IllegalStateException e) { // the token's variable or file is missing: Secret names it, never the value
            return unknown(q, "watch.prometheus.token: " + e.getMessage());
        } catch (IOException e) {
            return unknown(q, "Prometheus did not answer: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unknown(q, "interrupted");
        }
        if (!"success".equals(answer.path("status").asText())) {
            return unknown(q, "Prometheus: " + answer.path("errorType").asText("error") + ": " + answer.path("error").asText(""));
        }
        JsonNode data = answer.path("data");
        List<double[]> values = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        switch (data.path("resultType").asText()) {
            case "vector" -> {
                for (JsonNode sample : data.path("result")) {
                    values.add(new double[] {number(sample.path("value").path(1).asText())});
                    labels.add(labels(sample.path("metric")));
                }
            }
            case "scalar" -> {
                values.add(new double[] {number(data.path("result").path(1).asText())});
                labels.add("");
            }
            default -> {
                return unknown(q, "a " + data.path("resultType").asText() + " result: the query must give an instant vector or a scalar");
            }
        }
        // The sample furthest past the threshold (or, none past it, the one nearest to it) is the value reported.
        int worst = -1;
        double worstExcess = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < values.size(); i++) {
            double v = values.get(i)[0];
            if (Double.isNaN(v)) {
                continue;
            }
            double excess = Math.max(q.max() == null ? Double.NEGATIVE_INFINITY : v - q.max(), q.min() == null ? Double.NEGATIVE_INFINITY : q.min() - v);
            if (worst < 0 || excess > worstExcess) {
                worst = i;
                worstExcess = excess;
            }
        }
        if (worst < 0) {
            return new Outcome(new CheckResult(q.name(), PROMETHEUS, true, null, "no data (an empty result): nothing to compare"), false, threshold);
        }
        String value = format(values.get(worst)[0]);
        boolean breached = worstExcess > 0;
        return new Outcome(new CheckResult(q.name(), PROMETHEUS, !breached, value, q.query() + (labels.get(worst).isEmpty() ? "" : ": " + labels.get(worst))
                + " = " + value + (breached ? ", past " : ", within ") + threshold), breached, threshold);
    }

    private static Outcome unknown(ReleaseConfig.PromQuery q, String why) {
        return new Outcome(new CheckResult(q.name(), PROMETHEUS, true, null, "not checked: " + why), false, threshold(q));
    }

    static String threshold(ReleaseConfig.PromQuery q) {
        List<String> parts = new ArrayList<>();
        if (q.min() != null) {
            parts.add("min " + format(q.min()));
        }
        if (q.max() != null) {
            parts.add("max " + format(q.max()));
        }
        return String.join(", ", parts);
    }

    private static double number(String text) {
        try {
            return Double.parseDouble(text.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static String format(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replaceAll("\\.(e|$)", "$1");
    }

    /** A sample's series as PromQL writes it: {@code name{label="value",...}} (labels sorted). */
    private static String labels(JsonNode metric) {
        TreeMap<String, String> sorted = new TreeMap<>();
        metric.fields().forEachRemaining(f -> sorted.put(f.getKey(), f.getValue().asText()));
        String name = sorted.remove("__name__");
        StringBuilder b = new StringBuilder(name == null ? "" : name);
        if (!sorted.isEmpty()) {
            b.append('{');
            sorted.forEach((k, v) -> b.append(b.charAt(b.length() - 1) == '{' ? "" : ",").append(k).append("=\"").append(v).append('"'));
            b.append('}');
        }
        return b.toString();
    }

    private static String errorOf(String body) {
        try {
            JsonNode e = JSON.readTree(body);
            return e.hasNonNull("error") ? ": " + e.get("error").asText() : "";
        } catch (IOException | RuntimeException ex) {
            return "";
        }
    }
}
