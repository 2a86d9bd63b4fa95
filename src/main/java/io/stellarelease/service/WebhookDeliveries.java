package io.stellarelease.service;

import io.stellarelease.pipeline.ReleaseMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Counts webhook deliveries by the answer they got: every exchange of a {@code webhook-<source>} route
 * that completes, including those its error handler answered (401, 413, 422...).
 */
public class WebhookDeliveries extends EventNotifierSupport {
    private static final String ROUTE_PREFIX = "webhook-";
    private final java.util.function.Supplier<ReleaseMetrics> metrics;

    /** The metrics are looked up when a delivery is counted: the beans are bound after this notifier is registered. */
    public WebhookDeliveries(java.util.function.Supplier<ReleaseMetrics> metrics) {
        this.metrics = metrics;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCompletedEvent || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        String route = exchange.getFromRouteId();
        if (route == null || !route.startsWith(ROUTE_PREFIX)) {
            return;
        }
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int answer = code != null ? code : exchange.isFailed() ? 500 : 200;
        metrics.get().webhookAnswered(route.substring(ROUTE_PREFIX.length()), answer);
    }
}
