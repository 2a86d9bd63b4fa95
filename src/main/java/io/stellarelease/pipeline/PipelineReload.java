package io.stellarelease.pipeline;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RouteConfigurationsBuilder;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.model.Model;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;

/**
 * {@code serve}'s route reload: Camel's {@link RouteWatcherReloadStrategy} (its {@code camel.main.routes-reload-*}
 * settings, its file watcher), with three differences a release service needs:
 * <ul>
 *   <li><b>Checked first.</b> The pipeline's route files and the kamelets are read into memory and loaded into a scratch
 *   CamelContext, with the service's route files as loaded at start (routes the pipeline's may call, or that call
 *   them), where {@link PipelinePlan#checkAll()} runs. A file that does not parse or a pipeline that cannot run is
 *   refused with the same one-line {@code file:line} message as {@code release} gives, logged once and shown by the
 *   {@code stella-routes} health check; the routes running now stay.</li>
 *   <li><b>Between runs.</b> Runs hold the routes they started with ({@link #hold(CamelContext)}); the new routes replace
 *   the old ones only when no run executes. Runs that start meanwhile use the previous routes.</li>
 *   <li><b>Debounced, whole.</b> An editor's save or a git checkout changes several files: the reload waits until the files
 *   have been quiet for the quiet period, then replaces the pipeline's routes and kamelets as one set, loaded from the
 *   contents it checked (a later edit cannot slip in between). If Camel still fails to start them, the previous set is
 *   loaded again from memory.</li>
 * </ul>
 * The service's own routes (HTTP, dispatch queue) are not replaced: they load at start only. While routes are swapped,
 * their health checks are left out ({@link ReloadSafeRouteChecks}).
 */
public class PipelineReload extends RouteWatcherReloadStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineReload.class);

    /** A route file as read once: what was checked is what is loaded. */
    record Source(String location, byte[] content) {
        Resource resource() {
            return ResourceHelper.fromBytes(location, content);
        }

        boolean kamelet() {
            return location.endsWith(".kamelet.yaml");
        }
    }

    /** What the health check and the tests see: the routes running now, and the last refused edit if it is still on disk. */
    public record Status(int reloads, Instant loadedAt, String refused) {
    }

    private final List<String> include;
    private final List<String> kameletLocations;
    private final Duration quietPeriod;
    // Runs hold the read lock while they execute; a reload takes the write lock only when it is free (tryLock: a waiting
    // reload never makes a new run wait).
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final AtomicLong changes = new AtomicLong();
    private final Object scheduling = new Object();
    private ScheduledExecutorService scheduler;
    private ScheduledFuture<?> pending;
    private volatile List<Source> loaded;
    // The other route files the context loaded at start (the service's own: HTTP, dispatch queue), as they were then:
    // the check loads them too, so an edit is checked against everything its routes will meet.
    private volatile List<Source> fixed = List.of();
    // While the pipeline's routes are swapped: the files whose routes are being replaced (their health checks are left out).
    private volatile Set<String> swapping;
    private volatile Status status;

    /**
     * @param include          the pipeline's route files, as resource patterns ({@code file:routes/*.yaml})
     * @param kameletLocations where the kamelets are ({@code camel.component.kamelet.location})
     */
    public PipelineReload(String folder, boolean recursive, String pattern, List<String> include, List<String> kameletLocations,
                          Duration quietPeriod) {
        super(folder, recursive);
        setPattern(pattern);
        this.include = List.copyOf(include);
        this.kameletLocations = List.copyOf(kameletLocations);
        this.quietPeriod = quietPeriod;
    }

    /**
     * Puts this reload in place of the {@link RouteWatcherReloadStrategy} camel-main added for
     * {@code camel.main.routes-reload-enabled}, with its directory and pattern. Call once the routes are loaded, before
     * the context starts. Does nothing when route reload is off.
     */
    public static void install(CamelContext context, String include, String kameletLocation, Duration quietPeriod) throws Exception {
        RouteWatcherReloadStrategy camels = context.hasService(RouteWatcherReloadStrategy.class);
        if (camels == null || camels instanceof PipelineReload) {
            return;
        }
        PipelineReload reload = new PipelineReload(camels.getFolder(), camels.isRecursive(), camels.getPattern(),
                split(include), split(kameletLocation), quietPeriod);
        // Camel's own watcher is already queued to start with the context: without a folder it watches nothing.
        context.removeService(camels);
        camels.setFolder(null);
        reload.setCamelContext(context);
        reload.loaded = reload.read(); // what the routes loaded at start were made from
        reload.fixed = reload.readFixed();
        reload.status = new Status(0, Instant.now(), null);
        context.addService(reload);
        HealthCheckRegistry.get(context).register(reload.healthCheck());
        ReloadSafeRouteChecks.install(context, reload::swapped);
    }

    /** A route that is being replaced right now: one of the pipeline's, a kamelet's or a templated one, during a swap. */
    boolean swapped(Route route) {
        Set<String> files = swapping;
        return files != null && ours(route, files);
    }

    private static boolean ours(Route route, Set<String> files) {
        Resource source = route.getSourceResource();
        return source != null && files.contains(key(source.getLocation())) || route.isCreatedByKamelet() || route.isCreatedByRouteTemplate();
    }

    /**
     * Held by a run while it executes, so the routes it started with are not replaced under it. A no-op without reload
     * (the {@code release} command).
     */
    public static Hold hold(CamelContext context) {
        PipelineReload reload = context.hasService(PipelineReload.class);
        if (reload == null) {
            return () -> { };
        }
        var lock = reload.gate.readLock();
        lock.lock();
        return lock::unlock;
    }

    /** A run's hold on the routes; closing it lets a pending reload go ahead. */
    public interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    public Status status() {
        return status;
    }

    @Override
    protected void doStart() throws Exception {
        scheduler = getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "PipelineReload");
        setResourceReload((name, resource) -> changed(name));
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (scheduler != null) {
            getCamelContext().getExecutorServiceManager().shutdownNow(scheduler);
            scheduler = null;
        }
    }

    @Override
    protected String startupMessage(java.io.File dir) {
        return "Route reload: edits in " + dir + " are checked and used by the next run (quiet period " + quietPeriod.toMillis() + " ms)";
    }

    /** A file changed: (re)start the quiet period; the reload runs when no file has changed for that long. */
    private void changed(String name) {
        long change = changes.incrementAndGet();
        LOG.debug("route file changed: {}", name);
        synchronized (scheduling) {
            if (pending != null) {
                pending.cancel(false);
            }
            if (scheduler != null) {
                pending = scheduler.schedule(() -> reload(change), quietPeriod.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void reload(long change) {
        try {
            List<Source> next = read();
            if (same(next, loaded)) {
                if (status.refused() != null) {
                    LOG.info("route files are back to the routes running now: the refused edit is gone");
                    status = new Status(status.reloads(), status.loadedAt(), null);
                }
                return;
            }
            String problem = check(next);
            if (problem != null) {
                refuse(problem);
                return;
            }
            // Between runs: wait until none executes. A newer edit makes this one moot: its own reload follows.
            while (!gate.writeLock().tryLock(500, TimeUnit.MILLISECONDS)) {
                if (changes.get() != change || !isRunAllowed()) {
                    return;
                }
            }
            try {
                if (changes.get() != change) {
                    return;
                }
                problem = replace(next);
            } finally {
                gate.writeLock().unlock();
            }
            if (problem != null) {
                refuse(problem);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("route reload failed: {}", e.getMessage(), e);
        }
    }

    private void refuse(String problem) {
        if (!problem.equals(status.refused())) { // said once, however often the file is saved unchanged
            LOG.warn("edited routes refused, the previous routes stay in use:\n{}", problem);
        }
        status = new Status(status.reloads(), status.loadedAt(), problem);
    }

    /** Null when the files load and the pipelines can run; else the problems, one line each, file and line first. */
    String check(List<Source> sources) {
        try (DefaultCamelContext scratch = new DefaultCamelContext(false)) {
            scratch.getCamelContextExtension().setName("route-check");
            scratch.build();
            List<Source> all = new ArrayList<>(sources);
            all.addAll(fixed);
            addRoutes(scratch, all, false);
            new PipelinePlan(scratch, PipelinePlan.PIPELINES.get(0)).checkAll();
            return null;
        } catch (Exception e) {
            return problem(e, sources);
        }
    }

    private String problem(Exception e, List<Source> sources) {
        var yaml = RouteLoadErrors.oneLine(e);
        if (yaml.isPresent()) {
            return yaml.get();
        }
        var template = RouteLoadErrors.missingTemplate(e);
        if (template.isPresent()) {
            Map<String, String> files = new LinkedHashMap<>();
            for (List<Source> set : List.of(sources, fixed)) {
                set.forEach(s -> files.putIfAbsent(s.location(), new String(s.content(), java.nio.charset.StandardCharsets.UTF_8)));
            }
            return RouteLoadErrors.missingTemplate(template.get(), files);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PipelineException p) {
                return p.getMessage();
            }
        }
        Throwable deepest = e;
        while (deepest.getCause() != null) {
            deepest = deepest.getCause();
        }
        return Objects.requireNonNullElse(deepest.getMessage(), deepest.toString());
    }

    /** Replaces the pipeline's routes and kamelets by {@code next}; on failure loads the previous ones again. Null when done. */
    private String replace(List<Source> next) throws Exception {
        List<Source> previous = loaded;
        Set<String> files = new java.util.HashSet<>();
        for (List<Source> set : List.of(next, previous)) {
            set.forEach(s -> files.add(key(s.location())));
        }
        // Camel's route checks may have been registered after install: guard them before any route stops.
        ReloadSafeRouteChecks.install(getCamelContext(), this::swapped);
        swapping = files;
        try {
            load(next, files);
            new PipelinePlan(getCamelContext(), PipelinePlan.PIPELINES.get(0)).checkAll();
        } catch (Exception e) {
            String problem = problem(e, next);
            LOG.warn("the edited routes did not start ({}): loading the previous routes again", problem);
            load(previous, files);
            return problem;
        } finally {
            swapping = null;
        }
        loaded = next;
        status = new Status(status.reloads() + 1, Instant.now(), null);
        LOG.info("routes reloaded: the next run uses the edited pipeline ({} files)", next.size());
        return null;
    }

    /** Replaces the routes made from {@code files} (and the kamelets' and templated ones) by those of {@code sources}. */
    private void load(List<Source> sources, Set<String> files) throws Exception {
        CamelContext context = getCamelContext();
        for (Route route : List.copyOf(context.getRoutes())) {
            if (ours(route, files)) {
                context.getRouteController().stopRoute(route.getRouteId());
                context.removeRoute(route.getRouteId());
            }
        }
        // Kamelets and the publish template come again from the checked contents; kamelet endpoints are made anew so
        // their routes are created from the new templates.
        context.removeRouteTemplates("*");
        context.removeEndpoints("kamelet:*");
        addRoutes(context, sources, true);
    }

    /**
     * Loads route files as camel-main does at start: route configurations, then routes, then templated routes (the
     * routes loader's {@code updateRoutes} would leave the templated ones out).
     */
    private static void addRoutes(CamelContext context, List<Source> sources, boolean update) throws Exception {
        var builders = PluginHelper.getRoutesLoader(context).findRoutesBuilders(ordered(sources).stream().map(Source::resource).toList());
        for (RoutesBuilder builder : builders) {
            if (builder instanceof RouteConfigurationsBuilder configurations) {
                if (update) {
                    configurations.updateRouteConfigurationsToCamelContext(context);
                } else {
                    context.addRoutesConfigurations(configurations);
                }
            }
        }
        for (RoutesBuilder builder : builders) {
            context.addRoutes(builder);
        }
        for (RoutesBuilder builder : builders) {
            context.addTemplatedRoutes(builder);
        }
    }

    /** Kamelets, then route templates, then the rest: a templated route or kamelet call finds its template. */
    private static List<Source> ordered(List<Source> sources) {
        return sources.stream().sorted(Comparator.comparingInt((Source s) -> s.kamelet() ? 0
                : new String(s.content(), java.nio.charset.StandardCharsets.UTF_8).contains("routeTemplate:") ? 1 : 2)
                .thenComparing(Source::location)).toList();
    }

    /** The pipeline's route files and the kamelets as they are on disk now. */
    List<Source> read() throws Exception {
        var resolver = PluginHelper.getPackageScanResourceResolver(getCamelContext());
        Map<String, Source> sources = new LinkedHashMap<>();
        List<String> patterns = new ArrayList<>(include);
        for (String location : kameletLocations) {
            if (location.startsWith("file:")) {
                patterns.add(location.replaceAll("/+$", "") + "/*.kamelet.yaml");
            }
        }
        for (String pattern : patterns) {
            for (Resource resource : resolver.findResources(pattern)) {
                try (InputStream in = resource.getInputStream()) {
                    sources.putIfAbsent(key(resource.getLocation()), new Source(resource.getLocation(), in.readAllBytes()));
                } catch (IOException e) {
                    // removed while listed: it is simply not part of the new set
                }
            }
        }
        return List.copyOf(sources.values());
    }

    /**
     * The route files the context loaded besides the pipeline's and the kamelets (the service's own), read now: at
     * install, when the routes running were just loaded from them. They load at start only, so the check keeps these.
     */
    private List<Source> readFixed() {
        Model model = getCamelContext().getCamelContextExtension().getContextPlugin(Model.class);
        if (model == null) {
            return List.of();
        }
        Set<String> pipeline = loaded.stream().map(s -> key(s.location())).collect(Collectors.toSet());
        List<Resource> resources = new ArrayList<>();
        model.getRouteDefinitions().forEach(d -> resources.add(d.getResource()));
        model.getRouteConfigurationDefinitions().forEach(d -> resources.add(d.getResource()));
        model.getRouteTemplateDefinitions().forEach(d -> resources.add(d.getResource()));
        model.getRestDefinitions().forEach(d -> resources.add(d.getResource()));
        Map<String, Source> sources = new LinkedHashMap<>();
        for (Resource resource : resources) {
            if (resource == null || resource.getLocation() == null || resource.getLocation().endsWith(".kamelet.yaml")
                    || pipeline.contains(key(resource.getLocation())) || sources.containsKey(key(resource.getLocation()))) {
                continue;
            }
            try (InputStream in = resource.getInputStream()) {
                sources.put(key(resource.getLocation()), new Source(resource.getLocation(), in.readAllBytes()));
            } catch (IOException e) {
                LOG.debug("route file {} could not be read again for the reload check: {}", resource.getLocation(), e.getMessage());
            }
        }
        return List.copyOf(sources.values());
    }

    private static boolean same(List<Source> a, List<Source> b) {
        if (b == null || a.size() != b.size()) {
            return false;
        }
        Map<String, byte[]> byFile = b.stream().collect(Collectors.toMap(s -> key(s.location()), Source::content));
        return a.stream().allMatch(s -> Arrays.equals(s.content(), byFile.get(key(s.location()))));
    }

    private static String key(String location) {
        String path = location.replaceFirst("^file:", "");
        try {
            return Path.of(path).toAbsolutePath().normalize().toString();
        } catch (RuntimeException e) {
            return path;
        }
    }

    private static List<String> split(String list) {
        return list == null ? List.of() : Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * {@code stella-routes} at {@code /observe/health}: up while the routes in use are valid, which they always are; a
     * refused edit is its message and detail ({@code refused}), not a down state: the service keeps taking and running
     * releases with the previous routes, and a down readiness check would stop a load balancer from sending it webhooks.
     */
    private AbstractHealthCheck healthCheck() {
        return new AbstractHealthCheck("stella", "stella-routes") {
            @Override
            public boolean isLiveness() {
                return false;
            }

            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                Status s = status;
                builder.detail("reloads", s.reloads());
                builder.detail("loaded.at", s.loadedAt().toString());
                if (s.refused() != null) {
                    builder.detail("refused", s.refused());
                    builder.message("edited routes refused, the previous routes stay in use: " + s.refused().replace('\n', ' '));
                }
                builder.up();
            }
        };
    }
}
