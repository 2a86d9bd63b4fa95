package io.stellarelease.pipeline;

import io.stellarelease.state.PlannedStage;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the pipeline's stage steps ({@code - step: {id: <stage>, ...}}, Camel's step EIP) into stage records.
 * When a stage's step starts, the exchange gets the property {@value ReleaseRun#STAGE} with the stage's name: the
 * copies a split, multicast, wire tap or thread pool makes carry it, so every piece of work says which stage it
 * belongs to, whichever stage started last. A stage route that decides not to do its work sets the property
 * {@value #SKIP_REASON}; the stage then ends as skipped with that reason.
 */
public class StageTracker extends EventNotifierSupport {
    /** Set by a stage route that does not do its work: the reason, shown in the summary. */
    public static final String SKIP_REASON = "skipReason";

    private final ReleaseConsole console;
    private final RunStore runStore;
    private final ReleaseMetrics metrics;

    public StageTracker(ReleaseConsole console, RunStore runStore, ReleaseMetrics metrics) {
        this.console = console;
        this.runStore = runStore;
        this.metrics = metrics;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCreatedEvent(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
        setIgnoreStepEvents(false);
    }

    /** Where runs' states are saved (and, with a shared store, whose lease check guards every stage). */
    public RunStore runStore() {
        return runStore;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.StepEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        CamelEvent.StepEvent step = (CamelEvent.StepEvent) event;
        Exchange exchange = step.getExchange();
        ReleaseRun run = exchange.getProperty(ReleaseRun.PROPERTY, ReleaseRun.class);
        String stage = run == null ? null : run.getPlan().stream().filter(p -> step.getStepId().equals(p.stepId()))
                .map(PlannedStage::name).findFirst().orElse(null);
        if (stage == null) {
            return; // not a stage of this run's pipeline: a step inside a stage, or no run at all
        }
        if (event instanceof CamelEvent.StepStartedEvent) {
            exchange.setProperty(ReleaseRun.STAGE, stage);
            exchange.removeProperty(SKIP_REASON);
            RunValues.set(exchange, run);
            if (run.stage(stage).map(StageRecord::isEarlierAttempt).orElse(false)) {
                console.doneEarlier(run, stage, run.stage(stage).get().getStatus().label());
                return;
            }
            run.startStage(stage, Instant.now());
            console.stageStarted(run, stage);
            try {
                runStore.stageStarted(run); // a shared store shows the running stage to every instance
            } catch (LeaseLostException e) {
                org.slf4j.LoggerFactory.getLogger(StageTracker.class).warn(e.getMessage());
            }
        } else {
            run.stage(stage).filter(r -> r.getStatus() == Status.RUNNING).ifPresent(record -> finish(run, record, exchange));
            exchange.removeProperty(SKIP_REASON);
            exchange.removeProperty(ReleaseRun.STAGE);
        }
    }

    private void finish(ReleaseRun run, StageRecord record, Exchange exchange) {
        Instant now = Instant.now();
        Throwable error = exchange.getException();
        String skip = exchange.getProperty(SKIP_REASON, String.class);
        if (error == null && exchange.getExchangeExtension().isErrorHandlerHandledSet()
                && exchange.getExchangeExtension().isErrorHandlerHandled()) {
            // An onException with handled: true ended the stage: the pipeline stops here, so the run fails here.
            Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            String why = caught == null ? "an error" : caught.getMessage() != null ? caught.getMessage() : caught.getClass().getSimpleName();
            fail(run, record, "handled by an onException (" + why + "), which stops the pipeline at this stage", now);
        } else if (error instanceof io.stellarelease.rules.ReleaseRuleException rule) {
            // The tag broke a release rule: the message names the rule and the value; the route file would be noise.
            record.finish(Status.FAILED, rule.getMessage(), now);
            run.setFailure(record.getName() + ": " + rule.getMessage());
        } else if (error != null) {
            fail(run, record, error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName(), now);
        } else if (!record.failedSteps().isEmpty()) {
            // A step failed and the stage's own doTry/doCatch swallowed the error: the stage did not do its work.
            var failed = record.failedSteps();
            String reason = failed.size() + " of " + record.getSteps().size() + " failed: " + failed.stream()
                    .map(s -> s.name() + " (" + s.message() + ")").collect(java.util.stream.Collectors.joining(", "))
                    + "; the stage caught the error and ended without one, which does not make it done";
            fail(run, record, reason, now);
            exchange.setException(new IllegalStateException(reason)); // the pipeline stops here, as after a failed stage
        } else if (skip != null && !skip.isBlank()) {
            record.finish(Status.SKIPPED, skip, now);
        } else {
            record.finish(Status.DONE, null, now);
        }
        console.stageFinished(run, record.getName(), record.getStatus().label(), Duration.ofMillis(record.getDurationMs()),
                record.getReason());
        metrics.stageFinished(record.getName(), record.getStatus().label(), Duration.ofMillis(record.getDurationMs()));
        try {
            if (record.getStatus() == Status.SKIPPED) {
                runStore.saveSoon(run); // no work to lose: the next stage need not wait for the disk (RunStore)
            } else {
                runStore.save(run);
            }
        } catch (LeaseLostException e) {
            // Said once, plainly: the next stage call stops the run (StageTracker.doneEarlier), nothing more is written.
            org.slf4j.LoggerFactory.getLogger(StageTracker.class).warn("{}: the state after {} is not saved", e.getMessage(),
                    record.getName());
        }
    }

    private static void fail(ReleaseRun run, StageRecord record, String reason, Instant now) {
        record.finish(Status.FAILED, reason, now);
        String file = run.planned(record.getName()).map(PlannedStage::routeFile).orElse(null);
        run.setFailure(record.getName() + (file != null ? " (" + file + ")" : "") + ": " + reason);
    }

    /**
     * Every planned stage ran or was skipped with a reason; otherwise the run fails, naming the stage the pipeline
     * stopped at. Called before the summary is written and again when the pipeline returns.
     */
    public void accountForStages(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        List<String> missing = new ArrayList<>();
        for (PlannedStage planned : run.getPlan()) {
            if (!planned.conditional() && run.stage(planned.name()).isEmpty()) {
                missing.add(planned.name());
            }
        }
        if (missing.isEmpty()) {
            // A stage under a choice or filter of the pipeline that was not called is accounted for too: said as skipped.
            Instant now = Instant.now();
            for (PlannedStage planned : run.getPlan()) {
                if (planned.conditional() && run.stage(planned.name()).isEmpty()) {
                    run.restoreStage(StageRecord.restored(planned.name(), Status.SKIPPED, now, now,
                            "not called: the pipeline's choice or filter around it did not select it", 0, List.of()));
                }
            }
            return;
        }
        // The stage the pipeline stopped at is the last one that ended (the summary calling this is still running).
        String stoppedAt = run.getStages().stream().filter(s -> s.getStatus() != Status.RUNNING).reduce((a, b) -> b).map(StageRecord::getName).orElse(null);
        String file = stoppedAt == null ? null : run.planned(stoppedAt).map(PlannedStage::routeFile).orElse(null);
        run.setFailure((stoppedAt == null ? "the pipeline stopped before its first stage"
                : "the pipeline stopped after " + stoppedAt + (file != null ? " (" + file + ")" : ""))
                + "; never run: " + String.join(", ", missing));
    }

    /**
     * True when the pipeline is about to call a stage that an earlier attempt of this run completed: the routes'
     * interceptor then skips the call, which is how a resumed run starts at its first unfinished stage.
     */
    public boolean doneEarlier(Exchange exchange) {
        ReleaseRun run = exchange.getProperty(ReleaseRun.PROPERTY, ReleaseRun.class);
        String uri = exchange.getProperty(Exchange.INTERCEPTED_ENDPOINT, String.class);
        if (run == null || uri == null || !uri.startsWith("direct:")) {
            return false;
        }
        // Before anything more of the run is done (a stage, a command, a publication): is it still this instance's?
        runStore.checkLease(run.getId());
        String stage = uri.substring("direct:".length()).replaceFirst("^//", "").replaceFirst("\\?.*$", "");
        var record = run.planned(stage).flatMap(p -> run.stage(stage)).filter(StageRecord::isEarlierAttempt);
        record.ifPresent(r -> console.doneEarlier(run, stage, r.getStatus().label()));
        return record.isPresent();
    }
}
