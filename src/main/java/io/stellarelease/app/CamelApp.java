package io.stellarelease.app;

import io.stellarelease.pipeline.ReleaseRunner;
import io.stellarelease.config.ConfigException;
import io.stellarelease.pipeline.PipelinePlan;
import io.stellarelease.pipeline.PipelineReload;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.util.TimeUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Camel Main as the command line uses it: {@code config/application.properties}, the YAML routes from the
 * file system and the beans of {@link ReleaseBeans}. The mode decides which routes load: the pipeline's
 * for {@code release}, the service's too for {@code serve}, none for {@code dispatch}.
 */
public final class CamelApp implements AutoCloseable {

    public enum Mode { RELEASE, SERVE, SEND, WORKER }

    private final Main main;

    private CamelApp(Main main) {
        this.main = main;
    }

    /** A configured, not yet started Camel Main. */
    public static Main configure(Mode mode, Path properties, Path releaseConfig, Map<String, String> overrides) {
        if (!Files.isRegularFile(properties)) {
            throw new ConfigException(properties + ": properties file not found (run from the repository root or pass --properties)");
        }
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:" + properties);
        // Route files load without Camel's early parses where they can find nothing (YamlRoutesLoader). Started as
        // Camel starts the loaders it makes itself, once the context is built; stopped with the context.
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport configured) {
                CamelContext context = configured.getCamelContext();
                YamlRoutesLoader loader = new YamlRoutesLoader();
                loader.setCamelContext(context);
                try {
                    context.addService(loader, true, true);
                } catch (Exception e) {
                    throw new IllegalStateException("could not start the YAML route loader: " + e.getMessage(), e);
                }
                context.getRegistry().bind(YamlRoutesLoader.NAME, loader);
            }
        });
        if (mode != Mode.WORKER) {
            main.configure().addConfiguration(ReleaseBeans.class);
            // ReleaseBeans reads the release configuration once Camel binds its beans; the read starts as soon as the
            // properties say which file it is, beside the rest of Camel's set-up.
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void beforeConfigure(BaseMainSupport configured) {
                    io.stellarelease.config.ConfigPreload.start(Path.of(configured.getCamelContext()
                            .resolvePropertyPlaceholders("{{" + ReleaseBeans.CONFIG_KEY + ":" + ReleaseBeans.CONFIG_DEFAULT + "}}")));
                }
            });
        }
        main.configure().addConfiguration(QueueBeans.class);
        switch (mode) {
            case SERVE -> {
                main.configure().addConfiguration(ServiceBeans.class);
                main.configure().addConfiguration(HttpServerBeans.class);
                main.addOverrideProperty("camel.main.routes-include-pattern", "{{stella.service.routes}}");
                main.addOverrideProperty("camel.server.enabled", "true");
                main.addOverrideProperty("camel.management.enabled", "true");
                // Prometheus metrics at /observe/metrics (camel-micrometer-prometheus), with the release's own.
                main.addOverrideProperty("camel.metrics.enabled", "true");
                main.addOverrideProperty("stella.console.show-run", "true");
                main.addOverrideProperty("camel.management.metricsEnabled", "true");
                // Edited routes are used by the next run (camel.main.routes-reload-*): checked first, between runs.
                main.addMainListener(new MainListenerSupport() {
                    @Override
                    public void afterConfigure(BaseMainSupport configured) {
                        CamelContext context = configured.getCamelContext();
                        try {
                            PipelineReload.install(context,
                                    context.resolvePropertyPlaceholders("{{stella.pipeline.routes}}"),
                                    context.resolvePropertyPlaceholders("{{camel.component.kamelet.location:}}"),
                                    TimeUtils.toDuration(context.resolvePropertyPlaceholders("{{stella.routes.reload.quiet-period:1s}}")));
                        } catch (Exception e) {
                            throw new IllegalStateException("could not set up route reload: " + e.getMessage(), e);
                        }
                    }
                });
            }
            // A build worker: no pipeline, no release configuration; one route consuming the step queue.
            case WORKER -> {
                main.configure().addConfiguration(WorkerBeans.class);
                main.addOverrideProperty("camel.main.routes-collector-enabled", "false");
                main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
            }
            case SEND -> {
                main.addOverrideProperty("camel.main.routes-collector-enabled", "false");
                main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
            }
            // A one-shot release reads its routes once.
            default -> main.addOverrideProperty("camel.main.routes-reload-enabled", "false");
        }
        if (mode != Mode.SEND) {
            // The pipelines are checked once the routes are loaded, before the context starts: before the kamelet
            // component creates the kamelets' routes, so a call to a missing kamelet is said with its file and line (and
            // said once: an exception from the context's own start-up is also logged by Camel).
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterConfigure(BaseMainSupport configured) {
                    CamelContext context = configured.getCamelContext();
                    new PipelinePlan(context, PipelinePlan.PIPELINES.get(0)).checkAll();
                }
            });
        }
        if (releaseConfig != null) {
            main.addOverrideProperty("stella.config", releaseConfig.toString());
        }
        overrides.forEach(main::addOverrideProperty);
        return main;
    }

    public static CamelApp start(Path properties, Path releaseConfig) throws Exception {
        return start(Mode.RELEASE, properties, releaseConfig, Map.of());
    }

    public static CamelApp start(Mode mode, Path properties, Path releaseConfig, Map<String, String> overrides) throws Exception {
        Main main = configure(mode, properties, releaseConfig, overrides);
        try {
            main.start();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(CamelApp.class).debug("Camel did not start", e);
            var template = io.stellarelease.pipeline.RouteLoadErrors.missingTemplate(e);
            if (template.isPresent()) { // Camel names the template only: say which route file names it
                throw new ConfigException(io.stellarelease.pipeline.RouteLoadErrors.missingTemplate(template.get(),
                        routeFiles(main.getCamelContext())), e);
            }
            throw startFailure(main, e);
        }
        return new CamelApp(main);
    }

    /**
     * Routes Camel could not create or start (an id used twice, an unknown component, a missing kamelet) are a broken
     * edit like the ones the pipeline check finds: a configuration error (exit 2) naming the route's file and line.
     */
    static ConfigException startFailure(Main main, Exception e) {
        Exception cause = unwrap(e);
        String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        String where = routeOf(main, e);
        if (where != null && !message.contains(where.replaceFirst(":\\d+$", ""))) {
            message = where + ": " + message;
        }
        java.util.regex.Matcher duplicate = java.util.regex.Pattern.compile("Duplicate id detected: (\\S+?)\\.?(\\s|$)").matcher(message);
        if (duplicate.find()) { // Camel names the route that started second: name every route using the id
            List<String> users = routesUsing(main, duplicate.group(1));
            if (users.size() > 1) {
                message = message + " (used in " + String.join(", ", users) + ")";
            }
        }
        if (cause instanceof ConfigException config && message.equals(config.getMessage())) {
            return config;
        }
        return new ConfigException(message, e);
    }

    /** The files and lines of the routes that use {@code id}, as their own id or a node's. */
    private static List<String> routesUsing(Main main, String id) {
        List<String> users = new java.util.ArrayList<>();
        if (main.getCamelContext() instanceof org.apache.camel.model.ModelCamelContext model) {
            for (var route : model.getRouteDefinitions()) {
                if (id.equals(route.getRouteId()) || usesId(route.getOutputs(), id)) {
                    users.add(io.stellarelease.pipeline.PipelinePlan.where(route));
                }
            }
        }
        return users;
    }

    private static boolean usesId(List<org.apache.camel.model.ProcessorDefinition<?>> nodes, String id) {
        for (var node : nodes) {
            if (id.equals(node.getId()) || usesId(node.getOutputs(), id)) {
                return true;
            }
        }
        return false;
    }

    /** The file and line of the route a start-up failure names, if it names one. */
    private static String routeOf(Main main, Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String routeId = t instanceof org.apache.camel.FailedToCreateRouteException create ? create.getRouteId()
                    : t instanceof org.apache.camel.FailedToStartRouteException start ? start.getRouteId() : null;
            if (routeId != null && main.getCamelContext() instanceof org.apache.camel.model.ModelCamelContext model) {
                var route = model.getRouteDefinition(routeId);
                if (route != null) {
                    return io.stellarelease.pipeline.PipelinePlan.where(route);
                }
            }
        }
        return null;
    }

    /** The route files and kamelets the context loads, location to content; those that cannot be read are left out. */
    private static Map<String, String> routeFiles(CamelContext context) {
        Map<String, String> files = new java.util.LinkedHashMap<>();
        try {
            List<String> patterns = new java.util.ArrayList<>();
            for (String p : context.resolvePropertyPlaceholders("{{camel.main.routes-include-pattern:}}").split(",")) {
                patterns.add(p.strip());
            }
            for (String p : context.resolvePropertyPlaceholders("{{camel.component.kamelet.location:}}").split(",")) {
                if (!p.isBlank()) {
                    patterns.add(p.strip().replaceAll("/+$", "") + "/*.kamelet.yaml");
                }
            }
            var resolver = org.apache.camel.support.PluginHelper.getPackageScanResourceResolver(context);
            for (String pattern : patterns) {
                if (pattern.isEmpty()) {
                    continue;
                }
                for (var resource : resolver.findResources(pattern)) {
                    try (var in = resource.getInputStream()) {
                        files.putIfAbsent(resource.getLocation(), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (Exception e) {
            // what was read still helps; without files the message has no file
        }
        return files;
    }

    /** The most useful cause of a start-up failure: a configuration error, else the deepest message. */
    public static Exception unwrap(Exception e) {
        var routeError = io.stellarelease.pipeline.RouteLoadErrors.oneLine(e); // a route file that does not parse: one line
        if (routeError.isPresent()) {
            return new ConfigException(routeError.get(), e);
        }
        Throwable deepest = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException config) {
                return config;
            }
            deepest = t;
        }
        return deepest instanceof Exception ex && deepest != e ? new ConfigException(ex.getMessage(), e) : e;
    }

    public ReleaseRunner releaseRunner() {
        return main.getCamelContext().getRegistry().lookupByNameAndType("releaseRunner", ReleaseRunner.class);
    }

    /** The executor of every build command: stopping it ends the builds and refuses new ones. */
    public io.stellarelease.exec.ProcessTreeExecutor executor() {
        return main.getCamelContext().getRegistry().lookupByNameAndType("processTreeExecutor",
                io.stellarelease.exec.ProcessTreeExecutor.class);
    }

    public ProducerTemplate template() {
        return main.getCamelContext().createProducerTemplate();
    }

    public String property(String key) {
        return main.getCamelContext().resolvePropertyPlaceholders("{{" + key + "}}");
    }

    @Override
    public void close() {
        main.stop();
    }
}
