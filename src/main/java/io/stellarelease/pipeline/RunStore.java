package io.stellarelease.pipeline;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.state.ReleaseRequest;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Writes a run's state to {@code <release dir>/state.json} after every stage, durably, so that what a
 * run did is on disk even when the process dies half-way, and reads it back to resume that run.
 * <p>A stage that did its work is not followed by the next one until its state is on disk (written and flushed,
 * file and directory): a crash from then on never makes a resumed run repeat it. A skipped stage did no work,
 * so the next stage does not wait for its state: {@link #saveSoon} hands the write to one writer thread, which
 * makes it durable a few milliseconds later (and writes only the newest state when several wait). A crash in
 * those milliseconds can lose only the record of skipped stages since the last stage that did its work; the
 * resumed run calls them again and they skip again (every stage after the last recorded one runs again anyway,
 * so each must be safe to repeat). The writes of one file happen in the order asked, so an older state never
 * replaces a newer one, and a durable save returns only once every state asked before it is written too.
 * <p>With a shared store ({@link #share(Shared)}: several {@code serve} instances on one database) the state is
 * first written there, fenced by this instance's lease on the run: a write from an instance that lost the run
 * fails with {@link LeaseLostException} before {@code state.json} is touched, and a resumed run reads its
 * state back from the store.
 */
public class RunStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunStore.class);
    public static final String FILE = "state.json";

    /** A store shared by several instances: a run's state, written only while this instance holds the run's lease. */
    public interface Shared {
        /** Saves the state of run {@code id}; throws {@link LeaseLostException} when this instance no longer holds it. */
        void save(String id, byte[] state);

        /** The state last saved for run {@code id}. */
        Optional<byte[]> load(String id);

        /** Whether this instance still holds run {@code id}'s lease (by its own clock, with no round trip). */
        boolean held(String id);
    }

    private volatile Shared shared;

    /** From now on, states go to {@code store} first (serve with {@code stella.store.url}). */
    public void share(Shared store) {
        this.shared = store;
    }

    /**
     * Throws {@link LeaseLostException} when run {@code id} is executed under a lease this instance no longer
     * holds: asked before every stage (and every {@code direct:} call), so a stalled instance that comes back after
     * another took its run over does nothing more.
     */
    public void checkLease(String id) {
        Shared s = shared;
        if (s != null && id != null && !s.held(id)) {
            throw new LeaseLostException(id);
        }
    }
    /**
     * Compact JSON: a run's state is written after every stage, and at 900 modules it is ~0.6 MB (indented, ~0.9).
     * A finished stage is serialized once ({@link FinishedStages}): its steps were written anew after every later
     * stage, which made the writes at 900 modules cost more CPU than all the module builds' own Java work.
     */
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .registerModule(new SimpleModule("finished-stages").setSerializerModifier(new FinishedStages()))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Serializes a finished stage once and writes those bytes again while the stage stays unchanged
     * ({@link StageRecord#changes}); a stage still running is serialized each time. The output is the same as without.
     */
    private static final class FinishedStages extends BeanSerializerModifier {
        private final Map<StageRecord, Cached> cache = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

        /**
         * Its JSON as a SerializedString: encoded to UTF-8 on its first write and copied as bytes on every later one
         * (written as a String, it was encoded again on every save: 13 % of the pipeline threads' samples at 900 modules).
         */
        private record Cached(long changes, SerializedString json) {
        }

        @Override
        @SuppressWarnings("unchecked")
        public JsonSerializer<?> modifySerializer(SerializationConfig config, BeanDescription bean, JsonSerializer<?> serializer) {
            return bean.getBeanClass() == StageRecord.class ? new Serializer((JsonSerializer<Object>) serializer) : serializer;
        }

        private final class Serializer extends StdSerializer<StageRecord> implements ResolvableSerializer {
            private final JsonSerializer<Object> plain;

            Serializer(JsonSerializer<Object> plain) {
                super(StageRecord.class);
                this.plain = plain;
            }

            @Override
            public void resolve(SerializerProvider provider) throws JsonMappingException {
                if (plain instanceof ResolvableSerializer r) {
                    r.resolve(provider);
                }
            }

            @Override
            public void serialize(StageRecord stage, JsonGenerator out, SerializerProvider provider) throws IOException {
                long changes = stage.changes();
                if (stage.getFinishedAt() == null) {
                    plain.serialize(stage, out, provider);
                    return;
                }
                Cached cached = cache.get(stage);
                if (cached == null || cached.changes() != changes) {
                    SegmentedStringWriter text = new SegmentedStringWriter(new BufferRecycler());
                    try (JsonGenerator fragment = out.getCodec().getFactory().createGenerator(text)) {
                        plain.serialize(stage, fragment, provider);
                    }
                    cached = new Cached(changes, new SerializedString(text.getAndClear()));
                    if (stage.changes() == changes) {
                        cache.put(stage, cached); // not when it changed meanwhile: then only this write has this text
                    }
                }
                out.writeRawValue(cached.json());
            }
        }
    }

    /**
     * Saves the run's state durably: on disk (and in the shared store) when this returns. Written on the caller's
     * thread, so the runs of one {@code serve} flush in parallel; a background write of this file still under way
     * (see {@link #saveSoon}) ends first, so an older state never lands after this one, and one not begun yet writes
     * this state instead (one write, not two).
     */
    public void save(ReleaseRun run) {
        byte[] bytes = take(run);
        if (bytes == null) {
            return;
        }
        Path file = run.releaseDir().resolve(FILE);
        Pending before;
        boolean handedOver;
        synchronized (this) {
            before = latest.get(file);
            handedOver = before != null && !before.begun;
            if (handedOver) {
                before.bytes = bytes; // not begun: it writes this state instead of an older one, and once
            }
        }
        if (handedOver) {
            try {
                before.written.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw new UncheckedIOException("could not save the run state to " + file, io);
                }
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            return;
        }
        if (before != null) {
            before.written.exceptionally(e -> null).join(); // its failure was logged; this write is the whole state
        }
        try {
            Files2.writeDurably(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the run state to " + file, e);
        }
    }

    /**
     * Saves the run's state without waiting for the disk: the state is taken now (and saved in the shared store,
     * fenced, now), {@code state.json} is written durably by the writer thread right after. For the end of a stage
     * that did no work (see the class comment for what a crash may then lose); a failed write is logged, and the
     * next {@link #save} writes the whole state again and fails if the disk still refuses.
     */
    public void saveSoon(ReleaseRun run) {
        byte[] bytes = take(run);
        if (bytes != null) {
            Path file = run.releaseDir().resolve(FILE);
            queue(file, bytes).whenComplete((ok, e) -> {
                if (e != null) {
                    LOG.warn("could not save the run state to {}: {}: {}", file,
                            e.getClass().getSimpleName(), e.getMessage());
                }
            });
        }
    }

    /** The state as JSON, saved in the shared store (fenced) when there is one; null when it has nowhere to go. */
    private byte[] take(ReleaseRun run) {
        if (!run.isValidated()) {
            return null; // rejected before it had a version: nothing was written, nowhere to write
        }
        try {
            byte[] bytes = json.writeValueAsBytes(run);
            Shared s = shared;
            if (s != null) {
                s.save(run.getId(), bytes); // fenced: throws before the file is written when the run was taken over
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the run state to " + run.releaseDir().resolve(FILE), e);
        }
    }

    /** A background write of a state file: until it begins, a newer state asked meanwhile replaces its bytes. */
    private static final class Pending {
        byte[] bytes;
        boolean begun;
        final CompletableFuture<Void> written = new CompletableFuture<>();

        Pending(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    /** The newest background write asked of each file, until it is done. Guarded by this. */
    private final Map<Path, Pending> latest = new HashMap<>();
    /**
     * At most one thread, so the background writes of a file happen in the order they were asked; it ends when idle
     * (a store per Camel context, in tests many), and is a daemon: a durable save waits for it, nothing else needs to.
     */
    private final ExecutorService writer = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "state-writer");
        t.setDaemon(true);
        return t;
    });

    private synchronized CompletableFuture<Void> queue(Path file, byte[] bytes) {
        Pending last = latest.get(file);
        if (last != null && !last.begun) {
            last.bytes = bytes; // not begun: it writes this newer state, once, for both
            return last.written;
        }
        Pending fresh = new Pending(bytes);
        latest.put(file, fresh);
        writer.execute(() -> {
            byte[] newest;
            synchronized (this) {
                fresh.begun = true;
                newest = fresh.bytes;
            }
            try {
                Files2.writeDurably(file, newest);
                fresh.written.complete(null);
            } catch (IOException | RuntimeException e) {
                fresh.written.completeExceptionally(e);
            } finally {
                synchronized (this) {
                    latest.remove(file, fresh);
                }
            }
        });
        return fresh.written;
    }

    /**
     * A stage started: with a shared store the state is saved there too (fenced), so every instance's run API shows
     * the running stage; {@code state.json} is written when stages end, as without one.
     */
    public void stageStarted(ReleaseRun run) {
        if (shared != null) {
            take(run); // serialized and saved there (fenced); no file
        }
    }

    /**
     * The state an earlier attempt of run {@code id} left in {@code releaseDir}: its stages up to the first
     * one that did not complete. Stages after that one run again, so each must be safe to repeat.
     */
    public Optional<ReleaseRun> resume(String id, ReleaseRequest request, Path releaseDir) {
        Path file = releaseDir.resolve(FILE);
        Shared s = shared;
        Optional<byte[]> stored = s == null ? Optional.empty() : s.load(id);
        if (s != null && stored.isEmpty()) {
            return Optional.empty();
        }
        if (s == null && !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode state = stored.isPresent() ? json.readTree(stored.get()) : json.readTree(file.toFile());
            if (!id.equals(state.path("id").asText())) {
                return Optional.empty(); // another run's state: start afresh
            }
            ReleaseRun run = new ReleaseRun(id, request, Instant.parse(state.get("startedAt").asText()));
            if (state.hasNonNull("suite")) {
                run.setSuite(json.treeToValue(state.get("suite"), SuiteVersion.class));
            }
            if (state.hasNonNull("rollback")) {
                run.setRollback(json.treeToValue(state.get("rollback"), io.stellarelease.rules.RollbackTag.class));
            }
            if (state.hasNonNull("fixes")) {
                run.setFixes(state.get("fixes").asText());
            }
            if (state.hasNonNull("module")) {
                run.setModule(json.treeToValue(state.get("module"), io.stellarelease.rules.ModuleTagParser.ModuleTag.class));
            }
            if (state.hasNonNull("commit")) {
                run.setCommit(state.get("commit").asText(),
                        state.hasNonNull("commitTime") ? Instant.parse(state.get("commitTime").asText()) : null);
            }
            for (JsonNode w : state.path("warnings")) {
                run.warn(w.asText());
            }
            for (JsonNode stage : state.path("stages")) {
                Status status = Status.valueOf(stage.get("status").asText());
                if (status != Status.DONE && status != Status.SKIPPED) {
                    break;
                }
                List<StepResult> steps = new ArrayList<>();
                for (JsonNode step : stage.path("steps")) {
                    steps.add(json.treeToValue(step, StepResult.class));
                }
                run.restoreStage(StageRecord.restored(stage.get("name").asText(), status,
                        Instant.parse(stage.get("startedAt").asText()), Instant.parse(stage.get("finishedAt").asText()),
                        stage.path("reason").isNull() ? null : stage.path("reason").asText(null),
                        stage.path("plannedSteps").asInt(), steps));
            }
            return Optional.of(run);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("could not read the state of run " + id + " from " + file + ": " + e.getMessage(), e);
        }
    }
}
