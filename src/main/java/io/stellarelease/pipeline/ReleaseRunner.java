package io.stellarelease.pipeline;

import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.rules.RollbackTag;
import io.stellarelease.state.PlannedStage;
import io.stellarelease.state.ReleaseRequest;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.RollbackRequest;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Runs one release request through the pipeline route and returns its state, failed or not. */
public class ReleaseRunner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReleaseRunner.class);
    public static final String PIPELINE = "direct:suite-pipeline";
    public static final String MODULE_PIPELINE = "direct:module-pipeline";
    public static final String ROLLBACK_PIPELINE = "direct:rollback-pipeline";
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    private final CamelContext context;
    private final ReleaseConfig config;
    private final ProducerTemplate template;
    private final Function<RollbackRequest, RollbackTag> rollbacks;
    private final Set<StageWarmUp> warmed = ConcurrentHashMap.newKeySet();

    /**
     * {@code rollbacks} resolves a rollback request against the release history (the plan-rollback stage's planner),
     * given by the wiring so the runner does not depend on a stage's package.
     */
    public ReleaseRunner(CamelContext context, ReleaseConfig config, Function<RollbackRequest, RollbackTag> rollbacks) {
        this.context = context;
        this.config = config;
        this.rollbacks = rollbacks;
        this.template = context.createProducerTemplate();
    }

    /** A request with the configured workspace and output directory where the caller gave none. */
    public ReleaseRequest request(String tag, Path workspace, Path out, boolean dryRun, boolean skipTests) {
        return request(tag, workspace, out, dryRun, skipTests, false, false);
    }

    /** With a module dispatch message's publish flags (as skips: a tag publishes everything). */
    public ReleaseRequest request(String tag, Path workspace, Path out, boolean dryRun, boolean skipTests,
                                  boolean skipNuget, boolean skipContainer) {
        return new ReleaseRequest(tag,
                (workspace != null ? workspace : Path.of(config.workspace())).toAbsolutePath().normalize(),
                (out != null ? out : Path.of(config.output())).toAbsolutePath().normalize(),
                dryRun, skipTests, skipNuget, skipContainer);
    }

    public ReleaseRun run(ReleaseRequest request) {
        Instant now = Instant.now();
        String id = ID_TIME.format(now) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        return execute(new ReleaseRun(id, request, now));
    }

    /** Resolves a rollback against the release history (refused with the rule when it cannot be done) and runs it. */
    public ReleaseRun rollback(RollbackRequest rollback, Path out) {
        return run(request(rollbacks.apply(rollback).tag(), null, out, rollback.dryRun(), false));
    }

    /** The entry route of a run's kind ({@code suite} or {@code module}). */
    public static String pipelineFor(String kind) {
        return switch (kind == null ? "suite" : kind) {
            case "module" -> MODULE_PIPELINE;
            case "rollback" -> ROLLBACK_PIPELINE;
            default -> PIPELINE;
        };
    }

    /**
     * Runs the pipeline for {@code run}, which may carry stages an earlier attempt completed. The pipeline is checked
     * first: a broken one is refused ({@link PipelineException}, a configuration error) before any stage runs.
     */
    public ReleaseRun execute(ReleaseRun run) {
        // serve's route reload replaces the routes only between runs: this run keeps the routes it starts with.
        try (var routes = io.stellarelease.pipeline.PipelineReload.hold(context)) {
            return executeHeld(run);
        }
    }

    /**
     * Starts the one-time preparation of the planned stages' beans that have one ({@link StageWarmUp}) on a Camel
     * thread (a daemon: a run that ends first, a failed validation, does not wait for it). Each bean once per runner:
     * serve's later runs start no thread.
     */
    private void warmUp(PipelinePlan.Plan plan) {
        Set<String> planned = plan.stages().stream().map(PipelinePlan.Stage::name).collect(Collectors.toSet());
        List<StageWarmUp> due = context.getRegistry().findByType(StageWarmUp.class).stream()
                .filter(bean -> planned.contains(bean.stage())).filter(warmed::add).toList();
        if (due.isEmpty()) {
            return;
        }
        context.getExecutorServiceManager().newThread("stage-warm-up", () -> due.forEach(bean -> {
            try {
                bean.warmUp();
            } catch (Exception | LinkageError e) {
                LOG.debug("warm-up of stage {} failed; the stage meets it again when it runs", bean.stage(), e);
            }
        })).start();
    }

    private ReleaseRun executeHeld(ReleaseRun run) {
        String pipeline = pipelineFor(run.getKind());
        PipelinePlan.Plan plan = new PipelinePlan(context, pipeline).check(pipeline);
        run.setPlan(plan.stages().stream()
                .map(s -> new PlannedStage(s.name(), s.eventId(), s.produces(), s.routeFile(), s.conditional())).toList());
        warmUp(plan);
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(ReleaseRun.PROPERTY, run);
        RunValues.set(exchange, run);
        template.send(pipeline, exchange);
        if (exchange.getException() != null) {
            Throwable e = exchange.getException();
            run.setFailure(e.getMessage() != null ? e.getMessage() : e.toString());
        }
        // Exit 0 means every planned stage ran or was skipped with a reason: a pipeline that stopped early fails.
        tracker().accountForStages(run);
        // A run this instance lost (its lease expired, another took it over) ends here: nothing more is written.
        tracker().runStore().checkLease(run.getId());
        // An onException that handled an error stops the pipeline before its doFinally: run those stages (the summary) now.
        for (PipelinePlan.Stage stage : plan.stages()) {
            if (stage.always() && run.stage(stage.name()).isEmpty()) {
                Exchange again = new DefaultExchange(context);
                again.setProperty(ReleaseRun.PROPERTY, run);
                RunValues.set(again, run);
                template.send("direct:" + stage.name(), again);
            }
        }
        run.finish(Instant.now());
        // The stages saved the state as they ended; this last save records the outcome and finishedAt.
        tracker().runStore().save(run);
        return run;
    }

    private StageTracker tracker() {
        return context.getRegistry().lookupByNameAndType("stageTracker", StageTracker.class);
    }
}
