package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.util.Files2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Writes a run's state to {@code <release dir>/state.json} after every stage, atomically, so that
 * what a run did is on disk even when the process dies half-way.
 */
public class RunStore {
    public static final String FILE = "state.json";
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public void save(ReleaseRun run) {
        if (run.getSuite() == null) {
            return; // rejected before it had a version: nothing was written, nowhere to write
        }
        Path file = run.releaseDir().resolve(FILE);
        try {
            Files2.writeAtomically(file, json.writeValueAsBytes(run));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the run state to " + file, e);
        }
    }
}
