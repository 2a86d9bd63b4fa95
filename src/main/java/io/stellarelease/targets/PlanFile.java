package io.stellarelease.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.clients.GtPlannedRequest;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.util.Files2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code release-plan.json}: every write request the publishing stages send (in a dry run: would send), in the order
 * each target receives them, each with its stage, method, URL (with the query it is sent with) and what it carries.
 * Exactly what is sent, except two values only the server knows: {@code {id}} (the release) and {@code {session}}
 * (the blob upload location the registry answers). Each stage replaces its own entries before it sends anything, so
 * a resumed or repeated run leaves one consistent plan. Requests are planned against targets that have nothing yet:
 * a real run skips what is already there. Reads are not listed. Credentials appear by the header name only.
 */
public final class PlanFile {
    public static final String FILE = "release-plan.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PlanFile() {
    }

    /** A planned request and the base URL of the server it goes to. */
    public record Planned(String baseUrl, GtPlannedRequest request) { }

    /** Replaces the entries of {@code stage} with {@code requests} sent to {@code baseUrl}. */
    public static void write(ReleaseRun run, String stage, String baseUrl, List<GtPlannedRequest> requests) {
        write(run, stage, requests.stream().map(r -> new Planned(baseUrl, r)).toList());
    }

    /** Replaces the entries of {@code stage} with {@code requests}. */
    public static void write(ReleaseRun run, String stage, List<Planned> requests) {
        writeEntries(run, stage, null, requests);
    }

    /**
     * Replaces the entry of one named step of {@code stage} (a YAML stage's stella-http call: a stage may make several)
     * with {@code request}.
     */
    public static void writeStep(ReleaseRun run, String stage, String step, Planned request) {
        writeEntries(run, stage, step, List.of(request));
    }

    private static synchronized void writeEntries(ReleaseRun run, String stage, String step, List<Planned> requests) {
        Path file = run.releaseDir().resolve(FILE);
        try {
            ObjectNode plan = JSON.createObjectNode();
            plan.put("tag", run.releaseTag());
            plan.put("dryRun", run.getRequest().dryRun());
            ArrayNode all = plan.putArray("requests");
            if (Files.isRegularFile(file)) {
                JsonNode old = JSON.readTree(file.toFile());
                for (JsonNode r : old.path("requests")) {
                    boolean same = r.path("stage").asText().equals(stage)
                            && (step == null || r.path("step").asText().equals(step));
                    if (!same) {
                        all.add(r);
                    }
                }
            }
            for (Planned planned : requests) {
                GtPlannedRequest r = planned.request();
                String base = planned.baseUrl().replaceAll("/+$", "");
                ObjectNode entry = all.addObject();
                entry.put("stage", stage);
                if (step != null) {
                    entry.put("step", step);
                }
                entry.put("method", r.method());
                entry.put("url", base + r.path());
                if (r.body() != null && r.body().startsWith("{")) {
                    entry.set("json", JSON.readTree(r.body()));
                } else if (r.body() != null) {
                    entry.put("carries", r.body());
                }
            }
            Files2.writeAtomically(file, JSON.writeValueAsBytes(plan));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /**
     * Replaces the entries of {@code stage} with {@code entries}, each written as given with its stage added: what
     * stages that send no HTTP request to a publishing target plan (commands, announcements).
     */
    public static synchronized void writeEntries(ReleaseRun run, String stage, List<ObjectNode> entries) {
        Path file = run.releaseDir().resolve(FILE);
        try {
            ObjectNode plan = JSON.createObjectNode();
            plan.put("tag", run.releaseTag());
            plan.put("dryRun", run.getRequest().dryRun());
            ArrayNode all = plan.putArray("requests");
            if (Files.isRegularFile(file)) {
                for (JsonNode r : JSON.readTree(file.toFile()).path("requests")) {
                    if (!r.path("stage").asText().equals(stage)) {
                        all.add(r);
                    }
                }
            }
            for (ObjectNode e : entries) {
                ObjectNode entry = all.addObject();
                entry.put("stage", stage);
                entry.setAll(e);
            }
            Files2.writeAtomically(file, JSON.writeValueAsBytes(plan));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }
}
