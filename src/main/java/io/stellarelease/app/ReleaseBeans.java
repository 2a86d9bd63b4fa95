package io.stellarelease.app;

import io.stellarelease.kamelets.UserSteps;
import io.stellarelease.pipeline.ReleaseRunner;
import io.stellarelease.config.ConfigPreload;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.exec.ExecJobBinding;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.exec.ProcessTreeExecutor;
import io.micrometer.core.instrument.MeterRegistry;
import io.stellarelease.logging.LogFormat;
import io.stellarelease.pipeline.ReleaseConsole;
import io.stellarelease.pipeline.ReleaseMetrics;
import io.stellarelease.pipeline.RunStore;
import io.stellarelease.pipeline.StageTracker;
import io.stellarelease.pushcontainers.ContainerPushing;
import io.stellarelease.createrelease.GiteaRelease;
import io.stellarelease.publishhelm.HelmPublishing;
import io.stellarelease.publishnuget.NuGetPublishing;
import io.stellarelease.targets.PublishTargets;
import io.stellarelease.recordhistory.HistoryRecorder;
import io.stellarelease.verify.PublishedCheck;
import io.stellarelease.releasemanifest.Checksums;
import io.stellarelease.buildcli.CliArchives;
import io.stellarelease.buildcontainers.ContainerImages;
import io.stellarelease.steps.ExecPlanner;
import io.stellarelease.workspace.GitInfo;
import io.stellarelease.buildhelm.HelmChart;
import io.stellarelease.buildmodules.ModuleArtifacts;
import io.stellarelease.validatemodule.ModuleValidator;
import io.stellarelease.workspace.ModuleVersions;
import io.stellarelease.releasemanifest.ReleaseManifest;
import io.stellarelease.summary.ReleaseSummary;
import io.stellarelease.validate.ReleaseValidator;
import io.stellarelease.steps.StepResults;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Predicate;
import org.apache.camel.PropertyInject;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The beans the YAML routes call, bound by name. The release configuration is read once here; a broken
 * configuration stops start-up with its reason instead of failing a release half-way.
 */
public class ReleaseBeans implements CamelConfiguration {

    /** The property naming the release configuration's file, and its default (CamelApp resolves it too). */
    static final String CONFIG_KEY = "stella.config";
    static final String CONFIG_DEFAULT = "config/release.yaml";

    @PropertyInject(value = CONFIG_KEY, defaultValue = CONFIG_DEFAULT)
    private String configFile;

    @PropertyInject(value = "stella.exec.secret-suffixes", defaultValue = "_TOKEN,_SECRET,_PASSWORD,_API_KEY,_APIKEY")
    private String secretSuffixes;

    /** When the conductor stops, running commands get SIGTERM, then SIGKILL after this (e.g. 5s, PT5S). */
    @PropertyInject(value = "stella.exec.stop-grace", defaultValue = "5s")
    private String stopGrace;

    /** Where build steps run: {@code local} (this process) or {@code rabbitmq} (build workers, {@code stella-release worker}). */
    @PropertyInject(value = "stella.exec.mode", defaultValue = "local")
    private String execMode;

    @PropertyInject(value = "stella.exec.remote.queue", defaultValue = "stella.steps")
    private String stepQueue;

    @PropertyInject(value = "stella.exec.remote.max-deliveries", defaultValue = "3")
    private int maxDeliveries;

    /** The stages whose steps go to build workers; the others' commands (backups, restores, rollbacks) run here. */
    @PropertyInject(value = "stella.exec.remote.stages", defaultValue = "test-gate,build-modules,build-cli")
    private String remoteStages;

    /** The directory conductor and workers share (a mounted volume); empty: none. */
    @PropertyInject(value = "stella.exec.shared-dir", defaultValue = "")
    private String sharedDir;

    /** Under serve, runs interleave: each console line then starts with its run's tag. */
    @PropertyInject(value = "stella.console.show-run", defaultValue = "false")
    private boolean showRun;

    /** The release history: every release's manifest. */
    @PropertyInject(value = "stella.history-dir", defaultValue = "state/history")
    private String historyDir;

    /** The shared run store (several serve instances): a JDBC URL; empty: files under stella.state-dir. */
    @PropertyInject(value = "stella.store.url", defaultValue = "")
    private String storeUrl;

    @PropertyInject(value = "stella.store.user", defaultValue = "")
    private String storeUser;

    @PropertyInject(value = "stella.store.password", defaultValue = "")
    private String storePassword;

    @PropertyInject(value = "stella.store.password-file", defaultValue = "")
    private String storePasswordFile;

    @PropertyInject(value = "stella.store.schema", defaultValue = "stella")
    private String storeSchema;

    @PropertyInject(value = "stella.store.pool-size", defaultValue = "10")
    private int storePoolSize;

    @PropertyInject(value = "stella.instance.id", defaultValue = "")
    private String instanceId;

    private ReleaseConfig config;
    private SharedStoreRef sharedStore;
    private ReleaseHistory history;
    private ReleaseConsole console;
    private ProcessTreeExecutor executor;
    private ModuleVersions moduleVersions;
    private StageTracker tracker;
    private ReleaseMetrics metrics;
    private PublishTargets targets;
    private org.apache.camel.component.exec.ExecCommandExecutor stepExecutor;

    private synchronized ReleaseConfig config() {
        if (config == null) {
            config = ConfigPreload.take(Path.of(configFile)); // read while Camel started, when it could be
        }
        return config;
    }

    private synchronized ReleaseConsole console() {
        if (console == null) {
            console = new ReleaseConsole(System.out, showRun, LogFormat.current() == LogFormat.JSON);
        }
        return console;
    }

    private synchronized ProcessTreeExecutor executor() {
        if (executor == null) {
            List<String> suffixes = Arrays.stream(secretSuffixes.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            executor = new ProcessTreeExecutor(suffixes, org.apache.camel.util.TimeUtils.toDuration(stopGrace));
        }
        return executor;
    }

    private synchronized ModuleVersions moduleVersions() {
        if (moduleVersions == null) {
            moduleVersions = new ModuleVersions();
        }
        return moduleVersions;
    }

    @BindToRegistry
    public ReleaseConfig releaseConfig() {
        return config();
    }

    @BindToRegistry
    public ReleaseConsole releaseConsole() {
        return console();
    }

    /** The pool every parallel stage runs on: {@code parallelism} threads, so at most that many builds at once. */
    @BindToRegistry
    public ExecutorService buildPool(CamelContext context) {
        // Under serve, build steps run at the run threads' priority (stella.runs.nice; 0 outside serve: unchanged).
        return io.stellarelease.service.RunPriority.lowered(
                context.getExecutorServiceManager().newFixedThreadPool(this, "build", config().effectiveParallelism()));
    }

    @BindToRegistry
    public StageTracker stageTracker(CamelContext context) {
        return tracker(context);
    }

    /**
     * The routes' resume interceptor asks this on every {@code direct:} call. A plain Predicate looked up once
     * ({@code ref} language) rather than a {@code method} call: the bean language introspected StageTracker
     * once per route at start-up, about a third of route loading.
     */
    @BindToRegistry
    public Predicate stageDoneEarlier(CamelContext context) {
        return tracker(context)::doneEarlier;
    }

    private synchronized StageTracker tracker(CamelContext context) {
        if (tracker == null) {
            tracker = new StageTracker(console(), new RunStore(), metrics(context));
        }
        return tracker;
    }

    /** On the registry Camel exports at /observe/metrics when metrics are enabled (serve), else a private one. */
    private synchronized ReleaseMetrics metrics(CamelContext context) {
        if (metrics == null) {
            metrics = new ReleaseMetrics(() -> context.getRegistry().findSingleByType(MeterRegistry.class));
        }
        return metrics;
    }

    @BindToRegistry
    public ReleaseMetrics releaseMetrics(CamelContext context) {
        return metrics(context);
    }

    /** The stage tracker listens to the pipeline's sends; it is registered here so it is in place before any route runs. */
    /**
     * What camel-exec runs build steps with ({@code routes/exec-step.yaml}): this process's {@link ProcessTreeExecutor}, or
     * with {@code stella.exec.mode = rabbitmq} the {@link io.stellarelease.exec.RemoteStepExecutor}, which hands them to
     * build workers. The route is the same either way.
     */
    @BindToRegistry
    public org.apache.camel.component.exec.ExecCommandExecutor stepExecutor(CamelContext context) {
        return stepExecutor0(context);
    }

    private synchronized org.apache.camel.component.exec.ExecCommandExecutor stepExecutor0(CamelContext context) {
        if (stepExecutor == null) {
            stepExecutor = switch (execMode.strip()) {
                case "local" -> executor();
                case "rabbitmq" -> new io.stellarelease.exec.RemoteStepExecutor(context,
                        () -> context.getRegistry().lookupByNameAndType("rabbitConnectionFactory",
                                org.springframework.amqp.rabbit.connection.ConnectionFactory.class),
                        new io.stellarelease.exec.StepQueues(stepQueue, maxDeliveries),
                        sharedDir.isBlank() ? null : Path.of(sharedDir), executor(),
                        () -> metrics(context).registry(),
                        Arrays.stream(remoteStages.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList());
                default -> throw new io.stellarelease.config.ConfigException(
                        "stella.exec.mode must be local or rabbitmq, got '" + execMode + "'");
            };
        }
        return stepExecutor;
    }

    @Override
    public void configure(CamelContext context) {
        // Camel 4.17 first looks each text-to-enum conversion up in its converter registry, and without a converter for
        // that enum the look-up walks all ~250 converters three times, every time (misses are not remembered). Route
        // creation converts the error handler's level (routes/error-handling.yaml) once per node of every route: with
        // a converter of its own the look-up is one map read.
        context.getTypeConverterRegistry().addTypeConverter(org.apache.camel.LoggingLevel.class, String.class, new LoggingLevelConverter());
        if (stepExecutor0(context) instanceof io.stellarelease.exec.RemoteStepExecutor remote) {
            try {
                remote.install();
            } catch (Exception e) {
                throw new IllegalStateException("could not set up build workers: " + e.getMessage(), e);
            }
        }
        context.getManagementStrategy().addEventNotifier(tracker(context));
        context.getCamelContextExtension().setEventNotificationApplicable(true);
        // The shared store's pool closes with the context, after the routes (a stop still records runs as interrupted).
        try {
            context.addService(new org.apache.camel.support.service.ServiceSupport() {
                @Override
                protected void doStop() {
                    SharedStoreRef ref;
                    synchronized (ReleaseBeans.this) {
                        ref = sharedStore;
                    }
                    if (ref != null && ref.store() != null) {
                        ref.store().close();
                    }
                }
            }, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("could not register the shared store's closing", e);
        }
        // The pipelines are checked as the routes start (release and serve alike): a broken edit is refused with its file
        // and line before any run, rather than found when a run reaches it.
        try {
            context.addStartupListener((ctx, alreadyStarted) -> {
                if (!alreadyStarted) {
                    new io.stellarelease.pipeline.PipelinePlan(ctx, ReleaseRunner.PIPELINE).checkAll();
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException("could not register the pipeline check", e);
        }
    }

    /** Text to {@link org.apache.camel.LoggingLevel} as Camel's own enum conversion does it: trimmed, any case. */
    static final class LoggingLevelConverter extends org.apache.camel.support.TypeConverterSupport {
        @Override
        public <T> T convertTo(Class<T> type, org.apache.camel.Exchange exchange, Object value) {
            String text = value.toString().trim();
            for (org.apache.camel.LoggingLevel level : org.apache.camel.LoggingLevel.values()) {
                if (level.name().equalsIgnoreCase(text)) {
                    return type.cast(level);
                }
            }
            throw new IllegalArgumentException("logging level must be one of " + Arrays.toString(org.apache.camel.LoggingLevel.values())
                    + ", got '" + text + "'");
        }
    }

    @BindToRegistry
    public ExecJobBinding execJobBinding() {
        return new ExecJobBinding();
    }

    @BindToRegistry
    public ProcessTreeExecutor processTreeExecutor() {
        return executor();
    }

    @BindToRegistry
    public StepResults stepResults(CamelContext context) {
        return new StepResults(console(), metrics(context));
    }

    @BindToRegistry
    public ReleaseValidator releaseValidator() {
        return new ReleaseValidator(config(), moduleVersions(), new GitInfo(), history());
    }

    /** The shared store, connected and migrated on first use, when stella.store.url is set. */
    private synchronized SharedStoreRef sharedStore() {
        if (sharedStore == null) {
            if (storeUrl == null || storeUrl.isBlank()) {
                sharedStore = new SharedStoreRef(null);
            } else {
                sharedStore = new SharedStoreRef(io.stellarelease.sharedstore.SharedStore.open(
                        new io.stellarelease.sharedstore.SharedStore.Settings(storeUrl.strip(), storeUser,
                                io.stellarelease.sharedstore.SharedStore.Settings.password(storePassword, storePasswordFile),
                                storeSchema.strip(), storePoolSize,
                                io.stellarelease.sharedstore.SharedStore.instanceId(instanceId))));
            }
        }
        return sharedStore;
    }

    @BindToRegistry
    public SharedStoreRef sharedStoreRef() {
        return sharedStore();
    }

    private synchronized ReleaseHistory history() {
        if (history == null) {
            history = new ReleaseHistory(Path.of(historyDir));
            if (sharedStore().store() != null) {
                history.useShelf(new io.stellarelease.sharedstore.PgHistoryShelf(sharedStore().store()));
            }
        }
        return history;
    }

    @BindToRegistry
    public ReleaseHistory releaseHistory() {
        return history();
    }

    @BindToRegistry
    public HistoryRecorder historyRecorder() {
        return new HistoryRecorder(history());
    }

    @BindToRegistry
    public io.stellarelease.planrollback.RollbackPlanner rollbackPlanner() {
        return new io.stellarelease.planrollback.RollbackPlanner(config(), history());
    }

    @BindToRegistry
    public io.stellarelease.backupdatabase.DatabaseBackup databaseBackup() {
        return new io.stellarelease.backupdatabase.DatabaseBackup(config(), history());
    }

    @BindToRegistry
    public io.stellarelease.restoredatabase.DatabaseRollback databaseRollback() {
        return new io.stellarelease.restoredatabase.DatabaseRollback(config(), history());
    }

    @BindToRegistry
    public io.stellarelease.announce.Announcements announcements(CamelContext context) {
        return new io.stellarelease.announce.Announcements(config(), history(), context);
    }

    /** The post-release watch: started by the watch stage, advanced under serve (routes/service/release-watch.yaml). */
    @BindToRegistry
    public io.stellarelease.watch.ReleaseWatch releaseWatch(CamelContext context) {
        return new io.stellarelease.watch.ReleaseWatch(config(), history(), announcements(context), java.time.Clock.systemUTC());
    }

    @BindToRegistry
    public ModuleValidator moduleValidator() {
        return new ModuleValidator(config(), moduleVersions(), new GitInfo());
    }

    @BindToRegistry
    public ExecPlanner execPlanner() {
        return new ExecPlanner(config(), moduleVersions());
    }

    @BindToRegistry
    public ModuleArtifacts moduleArtifacts() {
        return new ModuleArtifacts(config());
    }

    @BindToRegistry
    public ContainerImages containerImages() {
        return new ContainerImages(config());
    }

    @BindToRegistry
    public CliArchives cliArchives() {
        return new CliArchives(config());
    }

    @BindToRegistry
    public HelmChart helmChart() {
        return new HelmChart(config(), executor());
    }

    @BindToRegistry
    public ReleaseManifest releaseManifest() {
        return new ReleaseManifest(config());
    }

    @BindToRegistry
    public Checksums checksums() {
        return new Checksums();
    }

    /** Its helper threads come from {@link #buildPool}, looked up when a stage runs (the pool is a bean of its own). */
    @BindToRegistry
    public io.stellarelease.sboms.SbomWriter sbomWriter(CamelContext context) {
        return new io.stellarelease.sboms.SbomWriter(config(),
                task -> java.util.Optional.ofNullable(context.getRegistry().lookupByNameAndType("buildPool", ExecutorService.class))
                        .orElseThrow(java.util.concurrent.RejectedExecutionException::new).execute(task));
    }

    @BindToRegistry
    public io.stellarelease.signchecksums.ChecksumSigning checksumSigning() {
        return new io.stellarelease.signchecksums.ChecksumSigning(config());
    }

    @BindToRegistry
    public ReleaseSummary releaseSummary() {
        return new ReleaseSummary();
    }

    private synchronized PublishTargets targets() {
        if (targets == null) {
            targets = new PublishTargets(config());
        }
        return targets;
    }

    @BindToRegistry
    public NuGetPublishing nugetPublishing() {
        return new NuGetPublishing(targets());
    }

    @BindToRegistry
    public ContainerPushing containerPushing() {
        return new ContainerPushing(targets());
    }

    @BindToRegistry
    public HelmPublishing helmPublishing() {
        return new HelmPublishing(targets());
    }

    @BindToRegistry
    public GiteaRelease giteaRelease() {
        return new GiteaRelease(targets(), new ReleaseSummary());
    }

    @BindToRegistry
    public PublishedCheck publishedCheck() {
        return new PublishedCheck(targets());
    }

    /** What the kamelets of YAML stages call (routes/kamelets/). */
    @BindToRegistry
    public UserSteps userSteps() {
        return new UserSteps(new ExecPlanner(config(), moduleVersions()), targets());
    }

    @BindToRegistry
    public io.stellarelease.airgapbundle.AirgapStage airgapBundle() {
        List<String> suffixes = Arrays.stream(secretSuffixes.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        return new io.stellarelease.airgapbundle.AirgapStage(config(), targets().retry(), suffixes);
    }

    @BindToRegistry
    public ReleaseRunner releaseRunner(CamelContext context) {
        return new ReleaseRunner(context, config(), rollback -> context.getRegistry()
                .lookupByNameAndType("rollbackPlanner", io.stellarelease.planrollback.RollbackPlanner.class).resolve(rollback));
    }
}
