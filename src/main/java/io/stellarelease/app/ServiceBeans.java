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

    private RunManager manager;
    private RunIntake intake;

    private synchronized RunManager manager(CamelContext context) {
        if (manager == null) {
            ReleaseConfig config = context.getRegistry().findSingleByType(ReleaseConfig.class);
            ReleaseRunner runner = context.getRegistry().lookupByNameAndType("releaseRunner", ReleaseRunner.class);
            ProcessTreeExecutor executor = context.getRegistry().lookupByNameAndType("processTreeExecutor", ProcessTreeExecutor.class);
            manager = new RunManager(new RunRegistry(Path.of(stateDir), retention()), runner, new Checkout(config, executor), new RunStore(),
                    maxParallel, executor, metrics(context));
        }
        return manager;
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
            intake = new RunIntake(context.getRegistry().findSingleByType(ReleaseConfig.class), manager(context),
                    context.getRegistry().lookupByNameAndType("rollbackPlanner", io.stellarelease.planrollback.RollbackPlanner.class));
        }
        return intake;
    }

    /** Starts the run manager once every route is up (it may resume runs at once) and stops it before them. */
    @Override
    public void configure(CamelContext context) throws Exception {
        context.addStartupListener((ctx, alreadyStarted) -> manager(ctx).start());
        context.getManagementStrategy().addEventNotifier(new ServiceShutdown(() -> manager(context).stop()));
        DispatchQueue queue = new DispatchQueue(context);
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        health.register(ServiceHealth.stateStore(Path.of(stateDir)));
        health.register(ServiceHealth.queue(queue::problem));
        context.getManagementStrategy().addEventNotifier(new WebhookDeliveries(() -> metrics(context)));
        // Registered once Camel's Prometheus registry exists (it is created while the context starts).
        // Once: Camel calls startup listeners again when routes are (re)started, e.g. by the route reload.
        var gaugeRegistered = new java.util.concurrent.atomic.AtomicBoolean();
        context.addStartupListener((ctx, alreadyStarted) -> {
            if (gaugeRegistered.compareAndSet(false, true)) {
                metrics(ctx).gauge("stella.dispatch.queue.depth", "Dispatch messages waiting in the queue",
                        queue.transport(), queue, DispatchQueue::depth);
            }
        });
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
        ReleaseConfig config = context.getRegistry().findSingleByType(ReleaseConfig.class);
        return new DispatchIntake(new DispatchMessages(config), intake(context), dispatchToken);
    }

    @BindToRegistry
    public RunApi runApi(CamelContext context) {
        return new RunApi(manager(context), new PipelinePlan(context, ReleaseRunner.PIPELINE),
                new io.stellarelease.rules.SuiteTagParser(context.getRegistry().findSingleByType(ReleaseConfig.class)));
    }

    @BindToRegistry
    public io.stellarelease.service.HistoryApi historyApi(CamelContext context) {
        ReleaseConfig config = context.getRegistry().findSingleByType(ReleaseConfig.class);
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
