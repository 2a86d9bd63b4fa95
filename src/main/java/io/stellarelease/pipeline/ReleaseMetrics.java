package io.stellarelease.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The release's own metrics, on the registry Camel exports at {@code /observe/metrics} under {@code serve}
 * (on a private one, never exported, under {@code release}). The registry is looked up on first use,
 * because Camel creates its Prometheus registry after the beans.
 */
public class ReleaseMetrics {
    private final Supplier<MeterRegistry> lookup;
    private volatile MeterRegistry registry;

    public ReleaseMetrics(Supplier<MeterRegistry> lookup) {
        this.lookup = lookup;
    }

    /** The registry the release's metrics go to (serve: the exported one). */
    public MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            synchronized (this) {
                if (registry == null) {
                    MeterRegistry found = lookup.get();
                    registry = found != null ? found : new SimpleMeterRegistry();
                }
                r = registry;
            }
        }
        return r;
    }

    public void runStarted(String kind) {
        Counter.builder("stella.runs.started").description("Runs started (each attempt counts)")
                .tag("kind", kind).register(registry()).increment();
    }

    public void runFinished(String kind, String outcome) {
        Counter.builder("stella.runs.finished").description("Runs finished, by outcome")
                .tag("kind", kind).tag("outcome", outcome).register(registry()).increment();
    }

    public void stageFinished(String stage, String status, Duration took) {
        Timer.builder("stella.stage.duration").description("Duration of pipeline stages")
                .tag("stage", stage).tag("status", status).publishPercentileHistogram()
                .register(registry()).record(took);
    }

    public void execFinished(String stage, String status, Duration took) {
        Timer.builder("stella.exec.duration").description("Duration of commands run by parallel stages")
                .tag("stage", stage).tag("status", status).publishPercentileHistogram()
                .register(registry()).record(took);
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
