package io.stellarelease.app;

import io.stellarelease.pipeline.ReleaseRunner;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.dispatch.DispatchMessages;
import io.stellarelease.exec.ProcessTreeExecutor;
import io.stellarelease.intake.WebhookSignatures;
import io.stellarelease.pipeline.PipelinePlan;
import io.stellarelease.pipeline.RunStore;
import io.stellarelease.service.Checkout;
import io.stellarelease.service.DispatchIntake;
import io.stellarelease.service.HttpAnswers;
import io.stellarelease.service.RunApi;
import io.stellarelease.service.RunIntake;
import io.stellarelease.service.RunManager;
import io.stellarelease.service.RunRegistry;
import io.stellarelease.service.RunRecords;
import io.stellarelease.pipeline.StageTracker;
import io.stellarelease.service.WebhookIntake;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.health.HealthCheckRegistry;
import io.stellarelease.service.ServiceHealth;
import io.stellarelease.service.DispatchQueue;
import io.stellarelease.service.WebhookDeliveries;
import io.stellarelease.pipeline.ReleaseMetrics;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The beans of the service ({@code serve}): run records, the run manager, the intake routes' steps and the run API. */
public class ServiceBeans implements CamelConfiguration {

    @PropertyInject(value = "stella.state-dir", defaultValue = "state")
    private String stateDir;

    @PropertyInject(value = "stella.runs.max-parallel", defaultValue = "2")
    private int maxParallel;

    @PropertyInject(value = "stella.runs.retention.max-age", defaultValue = "P90D")
    private String retentionMaxAge;

    @PropertyInject(value = "stella.runs.retention.max-count", defaultValue = "1000")
    private int retentionMaxCount;

    @PropertyInject(value = "stella.webhook.secret", defaultValue = "")
    private String webhookSecret;

    @PropertyInject(value = "stella.webhook.allow-unsigned", defaultValue = "false")
    private boolean allowUnsigned;

    @PropertyInject(value = "stella.dispatch.token", defaultValue = "")
    private String dispatchToken;

    /** This instance's name in run claims (shared store); empty: host name and process id. */
    @PropertyInject(value = "stella.instance.id", defaultValue = "")
    private String instanceId;

    /** How long a claim on a run lasts unless renewed (renewed every third of it); another instance takes over after. */
    @PropertyInject(value = "stella.store.lease", defaultValue = "PT30S")
    private String lease;

    private RunManager manager;
    private io.stellarelease.sharedstore.PgRunRecords shared;
    private RunIntake intake;

    private synchronized RunManager manager(CamelContext context) {
        if (manager == null) {
            ReleaseConfig config = releaseConfig(context);
            ReleaseRunner runner = context.getRegistry().lookupByNameAndType("releaseRunner", ReleaseRunner.class);
            ProcessTreeExecutor executor = context.getRegistry().lookupByNameAndType("processTreeExecutor", ProcessTreeExecutor.class);
            StageTracker tracker = context.getRegistry().lookupByNameAndType("stageTracker", StageTracker.class);
            RunStore runStore = tracker.runStore();
            SharedStoreRef ref = context.getRegistry().lookupByNameAndType("sharedStoreRef", SharedStoreRef.class);
            RunRecords records;
            java.time.Duration leaseTime = null;
            if (ref != null && ref.store() != null) {
                leaseTime = duration("stella.store.lease", lease);
                String instance = instanceId();
                ReleaseMetrics metrics = metrics(context);
                shared = new io.stellarelease.sharedstore.PgRunRecords(ref.store(), instance, leaseTime, Path.of(stateDir),
                        retention(), new io.stellarelease.sharedstore.PgRunRecords.Events() {
                            @Override
                            public void claimed(String runId, boolean takeOver) {
                                metrics.leaseEvent(takeOver ? "taken-over" : "claimed", instance);
                            }

                            @Override
                            public void lost(String runId) {
                                metrics.leaseEvent("lost", instance);
                            }
                        });
                runStore.share(shared);
                records = shared;
            } else {
                records = new RunRegistry(Path.of(stateDir), retention());
            }
            manager = new RunManager(records, runner, new Checkout(config, executor), runStore,
                    maxParallel, executor, metrics(context));
            if (leaseTime != null) {
                manager.scanEvery(java.time.Duration.ofMillis(Math.max(200, Math.min(1000, leaseTime.toMillis() / 3))));
            }
        }
        return manager;
    }

    /** {@code stella.instance.id}, else this host's name and this process's id (unique per process on one machine). */
    private String instanceId() {
        return io.stellarelease.sharedstore.SharedStore.instanceId(instanceId);
    }

    private static java.time.Duration duration(String key, String text) {
        try {
            return java.time.Duration.parse(text.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be an ISO-8601 duration (e.g. PT30S): got '" + text + "'");
        }
    }

    private RunRegistry.Retention retention() {
        java.time.Duration maxAge;
        try {
            maxAge = java.time.Duration.parse(retentionMaxAge.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("stella.runs.retention.max-age must be an ISO-8601 duration (e.g. P90D): got '"
                    + retentionMaxAge + "'");
        }
        return new RunRegistry.Retention(maxAge, retentionMaxCount);
    }

    private synchronized RunIntake intake(CamelContext context) {
        if (intake == null) {
            intake = new RunIntake(releaseConfig(context), manager(context),
                    context.getRegistry().lookupByNameAndType("rollbackPlanner", io.stellarelease.planrollback.RollbackPlanner.class));
        }
        return intake;
    }

    /** Starts the run manager once every route is up (it may resume runs at once) and stops it before them. */
    @Override
    public void configure(CamelContext context) throws Exception {
        context.addStartupListener((ctx, alreadyStarted) -> manager(ctx).start());
        context.getManagementStrategy().addEventNotifier(new ServiceShutdown(() -> {
            manager(context).stop(); // records and releases this instance's runs first
            if (shared != null) {
                shared.close(); // no more lease renewals
            }
        }));
        DispatchQueue queue = new DispatchQueue(context);
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        health.register(ServiceHealth.stateStore(Path.of(stateDir)));
        SharedStoreRef ref = context.getRegistry().lookupByNameAndType("sharedStoreRef", SharedStoreRef.class);
        if (ref != null && ref.store() != null) {
            health.register(ServiceHealth.sharedStore(ref.store()::problem, () -> {
                manager(context);
                java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
                details.put("instance", shared.instance());
                details.put("lease", shared.lease().toString());
                details.put("claims", String.join(",", shared.held()));
                return details;
            }));
            context.addStartupListener((ctx, alreadyStarted) -> {
                manager(ctx);
                metrics(ctx).claimsGauge(shared.instance(), shared, s -> s.held().size());
            });
        }
        health.register(ServiceHealth.queue(queue::problem));
        context.getManagementStrategy().addEventNotifier(new WebhookDeliveries(() -> metrics(context)));
        // Registered once Camel's Prometheus registry exists (it is created while the context starts).
        // Once: Camel calls startup listeners again (alreadyStarted) when routes are added later, e.g. by the route reload.
        context.addStartupListener((ctx, alreadyStarted) -> {
            if (!alreadyStarted) {
                metrics(ctx).gauge("stella.dispatch.queue.depth", "Dispatch messages waiting in the queue",
                        queue.transport(), queue, DispatchQueue::depth);
            }
        });
    }

    /**
     * ReleaseBeans' configuration, by name: a search by type put every match in a HashSet, hashing the whole record
     * (every module) once per bean here, 4-5 times at start-up (~9 ms of serve's main thread with 900 modules).
     */
    private static ReleaseConfig releaseConfig(CamelContext context) {
        return context.getRegistry().lookupByNameAndType("releaseConfig", ReleaseConfig.class);
    }

    private static ReleaseMetrics metrics(CamelContext context) {
        return context.getRegistry().lookupByNameAndType("releaseMetrics", ReleaseMetrics.class);
    }

    @BindToRegistry
    public RunManager runManager(CamelContext context) {
        return manager(context);
    }

    @BindToRegistry
    public WebhookIntake webhookIntake(CamelContext context) {
        byte[] secret = webhookSecret == null || webhookSecret.isBlank() ? null : webhookSecret.getBytes(StandardCharsets.UTF_8);
        if (secret == null && !allowUnsigned) {
            throw new IllegalStateException("no webhook secret: set STELLA_WEBHOOK_SECRET (stella.webhook.secret), or "
                    + "stella.webhook.allow-unsigned=true for local use only");
        }
        return new WebhookIntake(new WebhookSignatures(secret), intake(context));
    }

    @BindToRegistry
    public DispatchIntake dispatchIntake(CamelContext context) {
        ReleaseConfig config = releaseConfig(context);
        return new DispatchIntake(new DispatchMessages(config), intake(context), dispatchToken);
    }

    @BindToRegistry
    public RunApi runApi(CamelContext context) {
        return new RunApi(manager(context), new PipelinePlan(context, ReleaseRunner.PIPELINE),
                new io.stellarelease.rules.SuiteTagParser(releaseConfig(context)));
    }

    @BindToRegistry
    public io.stellarelease.service.HistoryApi historyApi(CamelContext context) {
        ReleaseConfig config = releaseConfig(context);
        return new io.stellarelease.service.HistoryApi(
                context.getRegistry().findSingleByType(io.stellarelease.history.ReleaseHistory.class),
                new io.stellarelease.history.SupportWindows(config), new io.stellarelease.history.CompatibilityMatrix(config),
                java.time.Clock.systemUTC());
    }

    @BindToRegistry
    public io.stellarelease.service.DashboardAssets dashboardAssets() {
        return new io.stellarelease.service.DashboardAssets();
    }

    @BindToRegistry
    public org.apache.camel.spi.HeaderFilterStrategy dashboardHeaderFilter() {
        return io.stellarelease.service.DashboardAssets.headerFilter();
    }

    @BindToRegistry
    public HttpAnswers httpAnswers() {
        return new HttpAnswers();
    }
}
