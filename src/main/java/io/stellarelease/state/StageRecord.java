package io.stellarelease.state;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A stage of one release run: its state, timing and the steps it ran. Steps finish on many threads. */
public final class StageRecord {
    private final String name;
    private volatile Status status = Status.RUNNING;
    private final Instant startedAt;
    private volatile Instant finishedAt;
    private volatile String reason;
    private volatile String skipReason;
    private volatile int plannedSteps;
    // Guarded by this. Kept sorted by name lazily (stable: steps of one name stay in the order they finished), so
    // reading them is a copy, not a sort, and whether a result is recorded here is one identity look-up.
    private final List<StepResult> steps = new ArrayList<>();
    private boolean sorted = true;
    private final java.util.Set<StepResult> recorded = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    private volatile List<String> plannedStepNames = List.of();
    private final java.util.Map<String, Instant> runningSteps = new java.util.TreeMap<>();
    private volatile boolean earlierAttempt;
    // Bumped after every change (after: a writer that read the count before the change sees a new count and serializes
    // again), so a writer can tell that a stage is as it was when it last serialized it.
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    public StageRecord(String name, Instant startedAt) {
        this.name = name;
        this.startedAt = startedAt;
    }

    /** A stage that finished in an earlier attempt of the same run, read back from its state file. */
    public static StageRecord restored(String name, Status status, Instant startedAt, Instant finishedAt, String reason,
                                       int plannedSteps, List<StepResult> steps) {
        StageRecord record = new StageRecord(name, startedAt);
        record.status = status;
        record.finishedAt = finishedAt;
        record.reason = reason;
        record.plannedSteps = plannedSteps;
        record.steps.addAll(steps);
        record.recorded.addAll(steps);
        record.sorted = false;
        record.earlierAttempt = true;
        return record;
    }

    /** How many times this stage changed: equal counts, equal content. */
    public long changes() {
        return changes.get();
    }

    public boolean isEarlierAttempt() {
        return earlierAttempt;
    }

    public String getName() {
        return name;
    }

    public Status getStatus() {
        return status;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public Instant getFinishedAt() {
        return finishedAt;
    }

    public Long getDurationMs() {
        return finishedAt == null ? null : Duration.between(startedAt, finishedAt).toMillis();
    }

    public String getReason() {
        return reason;
    }

    public int getPlannedSteps() {
        return plannedSteps;
    }

    public void plan(int count) {
        this.plannedSteps = count;
        changes.incrementAndGet();
    }

    /** The steps this stage will run, by name, so a reader can show the ones not started yet. */
    public void plan(List<String> names) {
        this.plannedStepNames = List.copyOf(names);
        this.plannedSteps = names.size();
        changes.incrementAndGet();
    }

    public List<String> getPlannedStepNames() {
        return plannedStepNames;
    }

    /** A step began; it stays listed as running until {@link #addStep} records how it ended. */
    public synchronized void stepStarted(String step, Instant at) {
        runningSteps.put(step, at);
        changes.incrementAndGet();
    }

    /** The steps running now, by name, with when they started. */
    public synchronized java.util.Map<String, Instant> getRunningSteps() {
        return new java.util.TreeMap<>(runningSteps);
    }

    /** Adds a finished step and returns how many have finished, for the progress counter. */
    public synchronized int addStep(StepResult step) {
        steps.add(step);
        recorded.add(step);
        sorted = false;
        runningSteps.remove(step.name());
        changes.incrementAndGet();
        return steps.size();
    }

    /** Whether this very result (not an equal one) is one of this stage's steps. */
    public synchronized boolean holds(StepResult step) {
        return recorded.contains(step);
    }

    /** The finished steps by name (a copy). */
    public synchronized List<StepResult> getSteps() {
        if (!sorted) {
            steps.sort(BY_NAME);
            sorted = true;
        }
        return new ArrayList<>(steps);
    }

    private static final Comparator<StepResult> BY_NAME = Comparator.comparing(StepResult::name);

    public synchronized List<StepResult> failedSteps() {
        return getSteps().stream().filter(s -> s.status().failed()).toList();
    }

    /** The stage decided not to do its work; it ends as skipped with this reason. */
    public void skip(String why) {
        this.skipReason = why;
        changes.incrementAndGet();
    }

    public String skipReason() {
        return skipReason;
    }

    public void finish(Status status, String reason, Instant at) {
        this.status = status;
        this.reason = reason;
        this.finishedAt = at;
        changes.incrementAndGet();
    }
}
