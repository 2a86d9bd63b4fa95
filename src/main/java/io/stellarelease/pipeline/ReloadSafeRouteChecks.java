package io.stellarelease.pipeline;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckRepository;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.ConsumerHealthCheck;
import org.apache.camel.impl.health.RouteHealthCheck;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>
 * The checks are Camel's own ({@link RouteHealthCheck}, {@link ConsumerHealthCheck}), one per route, kept while the route
 * exists: Camel's repositories keep a check for every route they ever saw, so each reload would leave the removed routes
 * (and everything they hold) in memory for good.
 */
public final class ReloadSafeRouteChecks implements HealthCheckRepository {
    /** The repositories camel-health registers for {@code camel.health.routes-enabled} and {@code consumers-enabled}. */
    private static final Map<String, String> PREFIXES = Map.of("routes", "route:", "consumers", "consumer:");

    private final HealthCheckRepository delegate;
    private final String prefix;
    private final CamelContext context;
    private final Predicate<Route> swapping;
    private final Map<Route, HealthCheck> checks = new ConcurrentHashMap<>();

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
        if (!delegate.isEnabled()) {
            return Stream.empty();
        }
        List<Route> routes = context.getRoutes();
        checks.keySet().retainAll(new HashSet<>(routes)); // a removed route's check goes with it
        return routes.stream()
                .filter(route -> route.getId() != null && !swapping.test(route))
                .map(route -> (HealthCheck) new Guarded(checks.computeIfAbsent(route, this::check)));
    }

    private HealthCheck check(Route route) {
        if (prefix.equals("route:")) {
            return new RouteHealthCheck(route);
        }
        ConsumerHealthCheck check = new ConsumerHealthCheck(route, prefix + route.getRouteId());
        check.setCamelContext(context);
        return check;
    }

    /** How many checks are kept: at most one per route of the context (and per kind). */
    public int kept() {
        return checks.size();
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
