package io.stellarelease.exec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A build step as it travels to a build worker over RabbitMQ: the configured command, the values as environment
 * variables (the conductor's own secrets never enter it: they are not in a job's environment), where its log and
 * outputs go, and the commit it builds. A path under the shared directory ({@code stella.exec.shared-dir}) is written
 * {@code shared:<relative path>}, so conductor and workers may mount that directory at different places.
 *
 * @param correlationId the conductor's name for this delivery of the step; replies carry it
 * @param replyTo       the conductor's reply queue
 * @param workspace     the workspace (working directory); a worker that cannot see it checks out {@code commit} of {@code repository}
 * @param timeoutMs     the step's timeout: the worker kills its process tree after it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StepMessage(String correlationId, String replyTo, String stage, String name, List<String> command,
                          Map<String, String> env, String workspace, String log, String outputDir, long timeoutMs,
                          String repository, String commit) {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    public static final String SHARED = "shared:";
    /** Environment variables holding paths: rewritten to the worker's view of them. */
    public static final List<String> PATH_VARIABLES = List.of("WORKSPACE", "OUTPUT_DIR", "RELEASE_DIR");

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static StepMessage fromJson(byte[] json) {
        try {
            return JSON.readValue(json, StepMessage.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a build step message: " + e.getMessage(), e);
        }
    }

    /** A path as a message carries it: relative to the shared directory when under it, else absolute. */
    public static String encode(Path path, Path sharedDir) {
        Path abs = path.toAbsolutePath().normalize();
        if (sharedDir != null && abs.startsWith(sharedDir)) {
            return SHARED + sharedDir.relativize(abs);
        }
        return abs.toString();
    }

    /** A path of a message as this process sees it. */
    public static Path decode(String path, Path sharedDir) {
        if (path.startsWith(SHARED)) {
            if (sharedDir == null) {
                throw new IllegalStateException("the step names a path in the shared directory (" + path
                        + ") and this worker has no stella.exec.shared-dir");
            }
            return sharedDir.resolve(path.substring(SHARED.length())).normalize();
        }
        return Path.of(path);
    }
}
