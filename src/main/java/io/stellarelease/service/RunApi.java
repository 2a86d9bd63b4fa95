package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stellarelease.intake.HttpAnswerException;
import io.stellarelease.pipeline.RunStore;
import io.stellarelease.state.ReleaseRun;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The run API: {@code GET /api/v1/runs}, {@code /runs/{id}} and {@code /runs/{id}/logs/{step}}. */
public class RunApi {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}"); // never "..": no way out of logs/
    private static final int MAX_LOG_CHUNK = 1024 * 1024;

    private final RunManager manager;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public RunApi(RunManager manager) {
        this.manager = manager;
    }

    public HttpAnswer list(Exchange exchange) {
        String state = exchange.getMessage().getHeader("state", String.class);
        RunState filter;
        try {
            filter = state == null || state.isBlank() ? null : RunState.parse(state);
        } catch (IllegalArgumentException e) {
            throw new HttpAnswerException(400, e.getMessage());
        }
        return new HttpAnswer(200, Map.of("runs", manager.registry().list(filter)));
    }

    public HttpAnswer get(Exchange exchange) {
        RunRecord run = run(exchange);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run", run);
        JsonNode pipeline = pipeline(run);
        body.put("pipeline", pipeline);
        Map<String, String> logs = new LinkedHashMap<>();
        if (pipeline != null) {
            for (JsonNode stage : pipeline.path("stages")) {
                for (JsonNode step : stage.path("steps")) {
                    if (step.hasNonNull("log")) {
                        String id = stage.get("name").asText() + ":" + step.get("name").asText();
                        logs.put(id, "/api/v1/runs/" + run.id() + "/logs/" + id);
                    }
                }
            }
        }
        body.put("logs", logs);
        return new HttpAnswer(200, body);
    }

    /** A step's log as it is now; {@code ?offset=N} returns only what came after byte N (for following a running step). */
    public HttpAnswer log(Exchange exchange) {
        RunRecord run = run(exchange);
        String step = exchange.getMessage().getHeader("step", String.class);
        String[] parts = step == null ? new String[0] : step.split(":", 2);
        if (parts.length != 2 || !NAME.matcher(parts[0]).matches() || !NAME.matcher(parts[1]).matches()) {
            throw new HttpAnswerException(400, "step must be <stage>:<name>, e.g. build-modules:Authority: got '" + step + "'");
        }
        if (run.releaseDir() == null) {
            throw new HttpAnswerException(404, "run " + run.id() + " has not started a release yet");
        }
        Path log = Path.of(run.releaseDir()).resolve("logs").resolve(parts[0]).resolve(parts[1] + ".log");
        if (!Files.isRegularFile(log)) {
            throw new HttpAnswerException(404, "run " + run.id() + " has no log for " + step + " (yet)");
        }
        long offset = Math.max(0, exchange.getMessage().getHeader("offset", 0L, Long.class));
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long from = Math.min(offset, length);
            byte[] chunk = new byte[(int) Math.min(MAX_LOG_CHUNK, length - from)];
            file.seek(from);
            file.readFully(chunk);
            return new HttpAnswer(200, new String(chunk, StandardCharsets.UTF_8),
                    Map.of("X-Log-Offset", Long.toString(from + chunk.length)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private RunRecord run(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        return manager.registry().get(id == null ? "" : id)
                .orElseThrow(() -> new HttpAnswerException(404, "no run '" + id + "'"));
    }

    /** The pipeline state: live while the run executes, from its state file afterwards. */
    private JsonNode pipeline(RunRecord run) {
        ReleaseRun live = manager.live(run.id()).orElse(null);
        if (live != null) {
            return json.valueToTree(live);
        }
        if (run.releaseDir() == null) {
            return null;
        }
        Path state = Path.of(run.releaseDir()).resolve(RunStore.FILE);
        try {
            JsonNode node = Files.isRegularFile(state) ? json.readTree(state.toFile()) : null;
            return node != null && run.id().equals(node.path("id").asText()) ? node : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
