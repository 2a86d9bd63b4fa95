package io.stellarelease.service;

import io.stellarelease.pipeline.ReleaseRunner;
import io.stellarelease.exec.ProcessTreeExecutor;
import io.stellarelease.pipeline.ReleaseMetrics;
import io.stellarelease.pipeline.RunStore;
import io.stellarelease.state.ReleaseRequest;
import io.stellarelease.state.ReleaseRun;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs accepted releases: at most {@code maxParallel} at once, each on its own thread, each recorded
 * in the {@link RunRegistry} as it starts and ends. On start it picks up the runs a previous process
 * accepted but did not finish; on stop it interrupts running builds (their process trees are killed)
 * and records those runs as interrupted, to be resumed by the next start. Runs of one release (a dry run and
 * a real run of one version) execute one after the other: a run whose release is taken waits, queued, without
 * holding a thread, and is scheduled when the run ahead of it ends. A run's checkout is removed when it ends
 * (a new attempt clones afresh), and finished run records are pruned by the registry's retention at start-up
 * and after each run.
 */
public class RunManager extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(RunManager.class);

    private final RunRecords registry;
    private final ReleaseRunner runner;
    private final Checkout checkout;
    private final RunStore store;
    private final int maxParallel;
    private final Map<String, ReleaseRun> live = new ConcurrentHashMap<>();
    private volatile ExecutorService pool;
    // Guarded by itself: the run executing per release key, and the runs waiting for each executing run.
    private final Map<String, String> releaseHolders = new java.util.HashMap<>();
    private final Map<String, java.util.List<String>> waiting = new java.util.HashMap<>();
    private volatile boolean stopping;
    // Shared store: runs handed to the pool and not started yet (so the claim scan does not hand them over twice).
    private final java.util.Set<String> pending = ConcurrentHashMap.newKeySet();
    private volatile java.util.concurrent.ScheduledExecutorService scanner;
    private java.time.Duration scanEvery = java.time.Duration.ofSeconds(1);

    private final ProcessTreeExecutor executor;
    private final ReleaseMetrics metrics;

    public RunManager(RunRecords registry, ReleaseRunner runner, Checkout checkout, RunStore store, int maxParallel,
                      ProcessTreeExecutor executor, ReleaseMetrics metrics) {
        this.executor = executor;
        this.metrics = metrics;
        this.registry = registry;
        this.runner = runner;
        this.checkout = checkout;
        this.store = store;
        this.maxParallel = maxParallel;
    }

    public RunRecords registry() {
        return registry;
    }

    /** Records the request durably and, when it became a new run, schedules it. */
    public Submission submit(RunRequest request) {
        Submission submission = registry.submit(request, Instant.now());
        if (submission instanceof Submission.Accepted || submission instanceof Submission.Retried) {
            schedule(submission.run().id());
        }
        return submission;
    }

    /** The pipeline state of a run that is executing now. */
    public Optional<ReleaseRun> live(String id) {
        return Optional.ofNullable(live.get(id));
    }

    /** How often, with a shared store, this instance looks for runs nobody holds (new ones, and those whose owner died). */
    public RunManager scanEvery(java.time.Duration every) {
        this.scanEvery = every;
        return this;
    }

    @Override
    protected void doStart() {
        stopping = false;
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(maxParallel, r -> {
            Thread t = new Thread(() -> {
                RunPriority.applyToThisThread(); // stella.runs.nice: the intake goes first
                r.run();
            }, "stella-run-" + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        });
        registry.prune(Instant.now());
        if (registry.shared()) {
            // Several instances: a run is resumed by whichever claims it once its owner's lease has expired.
            scanner = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "stella-claim-scan");
                t.setDaemon(true);
                return t;
            });
            scanner.scheduleWithFixedDelay(this::scan, 0, scanEvery.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        // Oldest first, so a backlog is worked off in the order it was accepted.
        var unfinished = new java.util.ArrayList<>(registry.list(null).stream().filter(r -> r.state().active()).toList());
        java.util.Collections.reverse(unfinished);
        for (RunRecord run : unfinished) {
            if (run.state() == RunState.RUNNING) {
                registry.update(run.id(), r -> r.withState(RunState.INTERRUPTED, Instant.now(), "the service stopped while it ran"));
            }
            LOG.info("resuming run {} ({}) left {} by the previous process", run.id(), run.tag(), run.state().label());
            schedule(run.id());
        }
    }

    /**
     * Stops taking runs, ends the builds running now (no command starts any more; the running ones get SIGTERM,
     * SIGKILL after the stop grace; their stage fails, the pipeline ends with its summary) and waits for each run
     * to record itself as interrupted, so the next start resumes it. A run that does not finish in time is
     * recorded as interrupted here, so the record never says running after the service stopped.
     */
    /** Schedules every run no instance holds (oldest first); the claim at its start decides who executes it. */
    private void scan() {
        if (stopping) {
            return;
        }
        try {
            for (String id : registry.claimable()) {
                if (!live.containsKey(id) && pending.add(id)) {
                    schedule(id);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not look for runs to claim: {}", e.getMessage());
        }
    }

    @Override
    protected void doStop() throws InterruptedException {
        stopping = true;
        if (scanner != null) {
            scanner.shutdownNow();
        }
        ExecutorService p = pool;
        if (p == null) {
            return;
        }
        p.shutdown();
        int active = live.size();
        int killed = executor.stop();
        if (killed > 0 || active > 0) {
            LOG.info("stopping: ended {} running command(s); {} run(s) will resume on the next start", killed, active);
        }
        if (!p.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("runs still stopping after {}: interrupting them", STOP_WAIT);
            p.shutdownNow();
            p.awaitTermination(2, TimeUnit.SECONDS);
        }
        for (String id : live.keySet()) {
            try {
                registry.update(id, r -> r.state().active() ? r.withState(RunState.INTERRUPTED, Instant.now(),
                        "the service stopped while it ran") : r);
                registry.release(id);
            } catch (io.stellarelease.pipeline.LeaseLostException e) {
                LOG.warn(e.getMessage());
            }
        }
    }

    /** How long runs have to record themselves once their commands are gone (in-process steps such as image builds). */
    private static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(10);

    private void schedule(String id) {
        try {
            pending.add(id);
            pool.execute(() -> execute(id));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.remove(id);
            LOG.info("run {} stays queued: the service is stopping; the next start runs it", id);
        }
    }

    /** Runs {@code id} unless another run of its release executes now: then it waits for that one to end. */
    private void execute(String id) {
        RunRecord queued = registry.get(id).orElse(null);
        if (queued == null || stopping) {
            pending.remove(id);
            return;
        }
        String release = RunRegistry.releaseKey(queued);
        synchronized (releaseHolders) {
            String holder = releaseHolders.putIfAbsent(release, id);
            if (holder != null) {
                // Also when the holder is this run, still ending its last attempt: a new attempt starts after it.
                waiting.computeIfAbsent(holder, k -> new java.util.ArrayList<>()).add(id); // stays pending
                LOG.info("run {} ({}) waits for run {} of the same release to end", id, queued.tag(), holder);
                return;
            }
        }
        java.util.List<String> next;
        boolean claimed = false;
        try {
            // Read again now that the release is held: a run that ended meanwhile is not run twice.
            // With a shared store the claim decides which instance executes it (false: another holds it).
            if (registry.get(id).map(r -> r.state().active()).orElse(false) && registry.claim(id)) {
                claimed = true;
                try {
                    executeHeld(id);
                } finally {
                    try {
                        registry.release(id);
                    } catch (RuntimeException e) {
                        LOG.warn("run {}: could not release its claim: {}", id, e.getMessage());
                    }
                }
            }
        } finally {
            checkout.remove(registry.runDir(id));
            synchronized (releaseHolders) {
                releaseHolders.remove(release, id);
                next = waiting.remove(id);
            }
            // Ended here (or claimed elsewhere): the claim scan may hand it over again should it be claimable.
            pending.remove(id);
            if (next != null) {
                next.forEach(this::schedule);
            }
            if (claimed || !registry.shared()) {
                registry.prune(Instant.now()); // not after each claim another instance won
            }
        }
    }

    private void executeHeld(String id) {
        RunRecord run = registry.get(id).orElseThrow();
        run = registry.update(id, r -> r.withState(RunState.RUNNING, Instant.now(), null));
        metrics.runStarted(run.kind());
        RunState outcome = RunState.FAILED;
        ReleaseRun started = null;
        try {
            Path workspace = checkout.needed(run) ? checkout.checkout(run, registry.runDir(id)) : null;
            ReleaseRequest request = runner.request(run.tag(), workspace, null, run.dryRun(), run.skipTests(),
                    run.skipNuget(), run.skipContainer());
            Path releaseDir = ReleaseRun.releaseDir(request.outputRoot(), run.tag(), run.version());
            int orphans = ProcessTreeExecutor.killOrphans(releaseDir.resolve("logs"));
            if (orphans > 0) {
                LOG.warn("run {}: killed {} build process(es) left running by the previous process", id, orphans);
            }
            ReleaseRun release = store.resume(id, request, releaseDir).orElseGet(() -> new ReleaseRun(id, request, Instant.now()));
            run = registry.update(id, r -> r.withReleaseDir(releaseDir.toString()));
            live.put(id, release);
            started = release;
            runner.execute(release);
            checkout.remove(registry.runDir(id)); // before the record says the run ended
            if (release.isSucceeded()) {
                outcome = RunState.SUCCEEDED;
                registry.update(id, r -> r.withState(RunState.SUCCEEDED, Instant.now(), null));
            } else if (stopping) {
                outcome = RunState.INTERRUPTED;
                registry.update(id, r -> r.withState(RunState.INTERRUPTED, Instant.now(), "the service stopped: " + release.getFailure()));
            } else {
                registry.update(id, r -> r.withState(RunState.FAILED, Instant.now(), release.getFailure()));
            }
        } catch (io.stellarelease.pipeline.LeaseLostException e) {
            // Another instance owns the run now: it resumes it; nothing of the run is written from here.
            checkout.remove(registry.runDir(id));
            outcome = RunState.INTERRUPTED;
            LOG.warn("run {} ({}): {}", id, run.tag(), e.getMessage());
        } catch (RuntimeException e) {
            checkout.remove(registry.runDir(id));
            RunState state = stopping ? RunState.INTERRUPTED : RunState.FAILED;
            outcome = state;
            try {
                registry.update(id, r -> r.withState(state, Instant.now(), e.getMessage()));
            } catch (io.stellarelease.pipeline.LeaseLostException lost) {
                LOG.warn(lost.getMessage());
            }
            LOG.warn("run {} ({}) {}: {}", id, run.tag(), state.label(), e.getMessage());
        } finally {
            if (started != null) {
                live.remove(id, started);
            }
            metrics.runFinished(run.kind(), outcome.label());
        }
    }
}
