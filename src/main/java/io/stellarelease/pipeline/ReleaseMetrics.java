package io.stellarelease.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The release's own metrics, on the registry Camel exports at {@code /observe/metrics} under {@code serve}.
 * The registry is looked up on first use, because Camel creates its Prometheus registry after the beans. Where
 * there is none ({@code release} and the other one-shot commands) nobody can read them: runs, stages and commands
 * are not timed at all, which spares a one-shot run Micrometer's start-up and a timer per command; the rest goes
 * to a private registry made on demand.
 */
public class ReleaseMetrics {
    private final Supplier<MeterRegistry> lookup;
    private volatile Optional<MeterRegistry> exported;
    private MeterRegistry own;

    public ReleaseMetrics(Supplier<MeterRegistry> lookup) {
        this.lookup = lookup;
    }

    /** The exported registry, if there is one. */
    private Optional<MeterRegistry> exported() {
        Optional<MeterRegistry> e = exported;
        if (e == null) {
            synchronized (this) {
                if (exported == null) {
                    exported = Optional.ofNullable(lookup.get());
                }
                e = exported;
            }
        }
        return e;
    }

    /** The registry the release's metrics go to (serve: the exported one; otherwise a private one). */
    public MeterRegistry registry() {
        return exported().orElseGet(this::own);
    }

    private synchronized MeterRegistry own() {
        if (own == null) {
            own = new SimpleMeterRegistry();
        }
        return own;
    }

    public void runStarted(String kind) {
        exported().ifPresent(meters -> Counter.builder("stella.runs.started").description("Runs started (each attempt counts)")
                .tag("kind", kind).register(meters).increment());
    }

    public void runFinished(String kind, String outcome) {
        exported().ifPresent(meters -> Counter.builder("stella.runs.finished").description("Runs finished, by outcome")
                .tag("kind", kind).tag("outcome", outcome).register(meters).increment());
    }

    public void stageFinished(String stage, String status, Duration took) {
        exported().ifPresent(meters -> Timer.builder("stella.stage.duration").description("Duration of pipeline stages")
                .tag("stage", stage).tag("status", status).publishPercentileHistogram()
                .register(meters).record(took));
    }

    public void execFinished(String stage, String status, Duration took) {
        exported().ifPresent(meters -> Timer.builder("stella.exec.duration").description("Duration of commands run by parallel stages")
                .tag("stage", stage).tag("status", status).publishPercentileHistogram()
                .register(meters).record(took));
    }

    public void webhookAnswered(String source, int code) {
        Counter.builder("stella.webhook.deliveries").description("Webhook deliveries, by answer code")
                .tag("source", source).tag("code", Integer.toString(code)).register(registry()).increment();
    }

    /** A claim of a run by this instance ({@code claimed}, {@code taken-over}) or a lease it lost ({@code lost}). */
    public void leaseEvent(String event, String instance) {
        Counter.builder("stella.run.claims").description("Run claims by this instance: claimed, taken over after "
                + "the owner's lease expired, lost").tag("event", event).tag("instance", instance).register(registry()).increment();
    }

    /** The number of runs this instance holds now. */
    public <T> void claimsGauge(String instance, T source, ToDoubleFunction<T> value) {
        Gauge.builder("stella.run.claims.held", source, value).description("Runs this instance holds a lease on")
                .tag("instance", instance).register(registry());
    }

    /** A gauge read at every scrape, e.g. the dispatch queue's depth. */
    public <T> void gauge(String name, String description, String transport, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).tag("transport", transport).register(registry());
    }
}
