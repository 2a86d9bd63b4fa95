package io.stellarelease.pipeline;

import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.time.Duration;
import java.time.Instant;

/**
 * Turns the pipeline route's {@code to: direct:<stage>} calls into stage records, so that the YAML
 * pipeline is the one list of stages: a stage is any {@code direct:} endpoint that the route the run
 * entered through sends to. Adding a line there adds a tracked stage, with no Java change.
 */
public class StageTracker extends EventNotifierSupport {
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
        setIgnoreStepEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSendingEvent || event instanceof CamelEvent.ExchangeSentEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        CamelEvent.ExchangeEvent exchangeEvent = (CamelEvent.ExchangeEvent) event;
        Exchange exchange = exchangeEvent.getExchange();
        ReleaseRun run = exchange.getProperty(ReleaseRun.PROPERTY, ReleaseRun.class);
        if (run == null) {
            return;
        }
        if (event instanceof CamelEvent.ExchangeSendingEvent sending) {
            String stage = stageName(sending.getEndpoint());
            if (stage != null && isFromPipelineRoute(exchange)) {
                if (run.stage(stage).map(StageRecord::isEarlierAttempt).orElse(false)) {
                    console.doneEarlier(run, stage, run.stage(stage).get().getStatus().label());
                    return;
                }
                run.startStage(stage, Instant.now());
                console.stageStarted(run, stage);
            }
        } else if (event instanceof CamelEvent.ExchangeSentEvent sent) {
            String stage = stageName(sent.getEndpoint());
            if (stage == null) {
                return;
            }
            run.stage(stage).filter(r -> r.getStatus() == Status.RUNNING).ifPresent(record -> finish(run, record, exchange));
        }
    }

    private void finish(ReleaseRun run, StageRecord record, Exchange exchange) {
        Instant now = Instant.now();
        Throwable error = exchange.getException();
        if (error != null) {
            String reason = error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
            record.finish(Status.FAILED, reason, now);
            run.setFailure(record.getName() + ": " + reason);
        } else if (record.skipReason() != null) {
            record.finish(Status.SKIPPED, record.skipReason(), now);
        } else {
            record.finish(Status.DONE, null, now);
        }
        console.stageFinished(run, record.getName(), record.getStatus().label(), Duration.ofMillis(record.getDurationMs()),
                record.getReason());
        metrics.stageFinished(record.getName(), record.getStatus().label(), Duration.ofMillis(record.getDurationMs()));
        runStore.save(run);
    }

    /** Called by a stage route that decides not to run: {@code bean: stageTracker?method=skip(...)}. */
    public void skip(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, String reason) {
        run.runningStage().ifPresent(record -> record.skip(reason));
    }

    /**
     * True when the pipeline is about to call a stage that an earlier attempt of this run completed:
     * the routes' interceptor then skips the call, which is how a resumed run starts at its first unfinished stage.
     */
    public boolean doneEarlier(Exchange exchange) {
        ReleaseRun run = exchange.getProperty(ReleaseRun.PROPERTY, ReleaseRun.class);
        String uri = exchange.getProperty(Exchange.INTERCEPTED_ENDPOINT, String.class);
        if (run == null || uri == null || !isFromPipelineRoute(exchange)) {
            return false;
        }
        String stage = stageName(uri);
        return stage != null && run.stage(stage).map(StageRecord::isEarlierAttempt).orElse(false);
    }

    private static boolean isFromPipelineRoute(Exchange exchange) {
        Route current = exchange.getUnitOfWork() != null ? exchange.getUnitOfWork().getRoute() : null;
        return current != null && current.getRouteId().equals(exchange.getFromRouteId());
    }

    private static String stageName(Endpoint endpoint) {
        return stageName(endpoint.getEndpointUri());
    }

    /** The stage a {@code direct:} URI names, or null for any other endpoint. */
    static String stageName(String uri) {
        if (uri == null || !uri.startsWith("direct:")) {
            return null;
        }
        String name = uri.substring("direct:".length());
        if (name.startsWith("//")) {
            name = name.substring(2);
        }
        int query = name.indexOf('?');
        return query < 0 ? name : name.substring(0, query);
    }
}
