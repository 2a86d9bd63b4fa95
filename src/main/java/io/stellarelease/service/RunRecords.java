package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where runs are recorded and who executes each. Two implementations: {@link RunRegistry}, files under
 * {@code <state>/runs/} for one process (the default), and the shared PostgreSQL store ({@code stella.store.url}),
 * where several {@code serve} instances record into one database and each run is claimed by one of them with a
 * lease it renews. The claim methods' defaults are the one-process case: every run is this process's.
 */
public interface RunRecords {

    /** Records a request as a run, or says why not (README "The release service"); returns once it is durable. */
    Submission submit(RunRequest request, Instant now);

    /** Records this version of a run. */
    void save(RunRecord run);

    /** Changes a run from its current record. */
    RunRecord update(String id, UnaryOperator<RunRecord> change);

    Optional<RunRecord> get(String id);

    /** Runs, newest first, optionally only those in one state. */
    List<RunRecord> list(RunState state);

    RunRegistry.Page page(RunState state, RunRegistry.Position after, int limit);

    /** Applies the retention to finished runs; returns the runs pruned. */
    List<RunRecord> prune(Instant now);

    /** This process's directory of run directories (checkouts). */
    Path runsDir();

    /** A run's own directory in this process: its checkout lives there. */
    default Path runDir(String id) {
        return runsDir().resolve(id);
    }

    /** True when several processes share these records: runs are claimed, and found by {@link #claimable()}. */
    default boolean shared() {
        return false;
    }

    /** Takes run {@code id} for this process to execute; false when another process holds it. */
    default boolean claim(String id) {
        return true;
    }

    /** Gives up this process's claim on run {@code id} (it ended, or this process stops). */
    default void release(String id) {
    }

    /** Active runs no process holds a live claim on (never claimed, or their owner's lease expired). */
    default List<String> claimable() {
        return List.of();
    }

    /** The claims of run {@code id}: which instance took it when, and when it last renewed its lease. */
    default List<Map<String, Object>> attempts(String id) {
        return List.of();
    }

    /** The pipeline state of run {@code id} as last saved by the store, when the store keeps it (else the release dir's). */
    default Optional<JsonNode> pipelineState(String id) {
        return Optional.empty();
    }
}
