package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stellarelease.intake.HttpAnswerException;
import io.stellarelease.pipeline.PipelinePlan;
import io.stellarelease.pipeline.RunStore;
import io.stellarelease.rules.SuiteTagParser;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.state.ReleaseRun;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The run API: {@code GET /api/v1/runs}, {@code /runs/{id}}, {@code /runs/{id}/logs/{step}} and {@code /runs/{id}/files/...}. */
public class RunApi {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}"); // never "..": no way out of logs/
    private static final int MAX_LOG_CHUNK = 1024 * 1024;

    private final RunManager manager;
    private final PipelinePlan plan;
    private final SuiteTagParser tags;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    public RunApi(RunManager manager, PipelinePlan plan, SuiteTagParser tags) {
        this.manager = manager;
        this.plan = plan;
        this.tags = tags;
    }

    /** Runs per page when {@code limit} is not given, and the most one page may hold. */
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    /**
     * {@code GET /api/v1/runs[?state=][&limit=][&cursor=]}: one page of runs, newest first, and {@code next}, the
     * cursor of the following page (null on the last). A cursor is opaque: a run's position, not an offset, so
     * runs accepted or pruned meanwhile neither repeat nor skip a run.
     */
    public HttpAnswer list(Exchange exchange) {
        String state = exchange.getMessage().getHeader("state", String.class);
        RunState filter;
        try {
            filter = state == null || state.isBlank() ? null : RunState.parse(state);
        } catch (IllegalArgumentException e) {
            throw new HttpAnswerException(400, e.getMessage());
        }
        int limit = limit(exchange.getMessage().getHeader("limit", String.class));
        RunRegistry.Position after = cursor(exchange.getMessage().getHeader("cursor", String.class));
        RunRegistry.Page page = manager.registry().page(filter, after, limit);
        List<Map<String, Object>> runs = new ArrayList<>();
        for (RunRecord run : page.runs()) {
            runs.add(listed(run));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runs", runs);
        body.put("next", page.next() == null ? null : cursorOf(page.next()));
        return new HttpAnswer(200, body);
    }

    /** {@code ?offset=N}: bytes from the log's start; absent is 0, anything but a whole number from 0 is refused. */
    private static long offset(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            long offset = Long.parseLong(text.strip());
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new HttpAnswerException(400, "offset must be a whole number of bytes from 0: got '" + shown(text) + "'");
    }

    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text.strip());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new HttpAnswerException(400, "limit must be a whole number from 1 to " + MAX_LIMIT + ": got '" + shown(text) + "'");
    }

    private static String cursorOf(RunRegistry.Position position) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString((position.createdAt() + " " + position.id()).getBytes(StandardCharsets.UTF_8));
    }

    private static RunRegistry.Position cursor(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            String[] parts = new String(java.util.Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(" ", 2);
            if (parts.length == 2 && NAME.matcher(parts[1]).matches()) {
                return new RunRegistry.Position(java.time.Instant.parse(parts[0]), parts[1]);
            }
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            // answered below
        }
        throw new HttpAnswerException(400, "cursor must be the 'next' of an earlier answer of /api/v1/runs: got '"
                + shown(text) + "'");
    }

    /** A request value as it may be echoed: bounded, printable ASCII only. */
    private static String shown(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** A run as listed: its record, plus the channel and hotfix flag its tag says (null for a tag the rules no longer accept). */
    private Map<String, Object> listed(RunRecord run) {
        Map<String, Object> entry = json.convertValue(run, new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { });
        SuiteVersion suite = null;
        if (SuiteTagParser.isSuiteTag(run.tag())) {
            try {
                suite = tags.parse(run.tag());
            } catch (RuntimeException e) {
                suite = null; // the rules changed since this run was accepted
            }
        }
        if ("module".equals(run.kind())) {
            // A module release has no channel; its SemVer says whether it is a prerelease.
            entry.put("module", io.stellarelease.rules.ModuleTagParser.nameInTag(run.tag()));
            entry.put("prerelease", run.version().contains("-"));
        }
        entry.put("channel", suite == null ? null : suite.channel());
        entry.put("hotfix", suite != null && suite.isHotfix());
        return entry;
    }

    public HttpAnswer get(Exchange exchange) {
        RunRecord run = run(exchange);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run", run);
        JsonNode pipeline = pipeline(run);
        body.put("pipeline", pipeline);
        // Which instance claimed the run when, and its lease renewals and take-overs (shared store; else empty).
        body.put("attempts", manager.registry().attempts(run.id()));
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
        // The stages the pipeline route lists, in order: those not started yet are waiting.
        body.put("plannedStages", plan.stages(io.stellarelease.pipeline.ReleaseRunner.pipelineFor(run.kind())));
        body.put("files", ReleaseFiles.list(run.id(), run.releaseDir() == null ? null : Path.of(run.releaseDir())));
        return new HttpAnswer(200, body);
    }

    /** A file of the run's release directory: {@code /api/v1/runs/{id}/files/<path>} (e.g. {@code nuget/x.nupkg}). */
    public HttpAnswer file(Exchange exchange) {
        RunRecord run = run(exchange);
        if (run.releaseDir() == null) {
            throw new HttpAnswerException(404, "run " + run.id() + " has not started a release yet");
        }
        String uri = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        String prefix = "/api/v1/runs/" + run.id() + "/files/";
        int at = uri == null ? -1 : uri.indexOf(prefix);
        String relative = at < 0 ? null : uri.substring(at + prefix.length());
        Path file = ReleaseFiles.resolve(Path.of(run.releaseDir()), relative);
        return new HttpAnswer(200, file, ReleaseFiles.headers(file));
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
        long offset = offset(exchange.getMessage().getHeader("offset", String.class));
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
        var stored = manager.registry().pipelineState(run.id());
        if (stored.isPresent()) {
            return stored.get();
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
