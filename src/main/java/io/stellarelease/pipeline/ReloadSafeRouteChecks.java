package io.stellarelease.pipeline;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.health.HealthCheckResultBuilder;

import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Camel's per-route and per-consumer health checks ({@code route:<id>}, {@code consumer:<id>} at {@code /observe/health}),
 * made safe for a route reload. While {@link PipelineReload} swaps the pipeline's routes, Camel's checks would see those
 * routes stopped (the whole answer DOWN, 503) or already removed ({@code RouteHealthCheck} throws a
 * NullPointerException on a route that has no status any more: the answer was a 500). Neither is a problem of the
 * service: runs wait for the swap, webhooks are taken. So during the swap the routes being replaced are left out, a
 * removed route's check is left out, and a check that fails because its route went away meanwhile answers UP saying
 * so. Any other failure of a check is a DOWN with its message, never a 500.
 */
final class ReloadSafeRouteChecks implements HealthCheckRepository {
    /** The repositories camel-health registers for {@code camel.health.routes-enabled} and {@code consumers-enabled}. */
    private static final Map<String, String> PREFIXES = Map.of("routes", "route:", "consumers", "consumer:");

    private final HealthCheckRepository delegate;
    private final String prefix;
    private final CamelContext context;
    private final Predicate<Route> swapping;

    private ReloadSafeRouteChecks(HealthCheckRepository delegate, String prefix, CamelContext context, Predicate<Route> swapping) {
        this.delegate = delegate;
        this.prefix = prefix;
        this.context = context;
        this.swapping = swapping;
    }

    /** Puts the guard around Camel's route and consumer checks; does nothing for those already guarded or not enabled. */
    static void install(CamelContext context, Predicate<Route> swapping) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (registry == null) {
            return;
        }
        PREFIXES.forEach((id, prefix) -> registry.getRepository(id).ifPresent(repository -> {
            if (!(repository instanceof ReloadSafeRouteChecks)) {
                registry.unregister(repository);
                registry.register(new ReloadSafeRouteChecks(repository, prefix, context, swapping));
            }
        }));
    }

    @Override
    public String getId() {
        return delegate.getId();
    }

    @Override
    public boolean isEnabled() {
        return delegate.isEnabled();
    }

    @Override
    public void setEnabled(boolean enabled) {
        delegate.setEnabled(enabled);
    }

    @Override
    public Stream<HealthCheck> stream() {
        return delegate.stream().filter(this::shown).map(Guarded::new);
    }

    private boolean shown(HealthCheck check) {
        Route route = route(check);
        return route != null && !swapping.test(route);
    }

    private Route route(HealthCheck check) {
        String id = check.getId();
        return id != null && id.startsWith(prefix) ? context.getRoute(id.substring(prefix.length())) : null;
    }

    /** One route's check: a failure becomes a result, so the answer stays well-formed JSON with a status. */
    private final class Guarded implements HealthCheck {
        private final HealthCheck check;

        Guarded(HealthCheck check) {
            this.check = check;
        }

        @Override
        public String getId() {
            return check.getId();
        }

        @Override
        public String getGroup() {
            return check.getGroup();
        }

        @Override
        public int getOrder() {
            return check.getOrder();
        }

        @Override
        public boolean isEnabled() {
            return check.isEnabled();
        }

        @Override
        public void setEnabled(boolean enabled) {
            check.setEnabled(enabled);
        }

        @Override
        public Map<String, Object> getMetaData() {
            return check.getMetaData();
        }

        @Override
        public boolean isReadiness() {
            return check.isReadiness();
        }

        @Override
        public boolean isLiveness() {
            return check.isLiveness();
        }

        @Override
        public Result call(Map<String, Object> options) {
            Result result;
            try {
                result = check.call(options);
            } catch (RuntimeException e) {
                result = HealthCheckResultBuilder.on(this).down().message("the check failed: " + e).error(e).build();
            }
            // Listed before the swap began, called while (or after) its route was stopped or removed for it.
            if (result.getState() != State.UP) {
                Route route = route(check);
                if (route == null || swapping.test(route)) {
                    return HealthCheckResultBuilder.on(this).up().message("being replaced by a route reload").build();
                }
            }
            return result;
        }
    }
}
