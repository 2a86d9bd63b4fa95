package io.stellarelease.steps;

import io.stellarelease.exec.ExecJob;
import io.stellarelease.exec.JobExecCommand;
import io.stellarelease.exec.JobExecResult;
import io.stellarelease.pipeline.ReleaseConsole;
import io.stellarelease.pipeline.ReleaseMetrics;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Step results of the parallel stages: made from exec results, aggregated back into the run's
 * running stage as each step finishes (the split's aggregation strategy), and checked when all are in.
 */
public class StepResults implements AggregationStrategy {
    public static final String JOB_PROPERTY = "stellaJob";
    private static final int LOG_TAIL_LINES = 20;

    private final ReleaseConsole console;
    private final ReleaseMetrics metrics;

    public StepResults(ReleaseConsole console, ReleaseMetrics metrics) {
        this.console = console;
        this.metrics = metrics;
    }

    /** Marks the job's step as running in its stage, so readers of the run state see it before it ends. */
    public void started(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage,
                        @Body ExecJob job) {
        run.stage(stage).ifPresent(s -> s.stepStarted(job.name(), Instant.now()));
    }

    /** The step result of one exec call: done when it exited 0, failed or timed out otherwise. */
    public StepResult fromExec(@Body JobExecResult result, @ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        ExecJob job = ((JobExecCommand) result.getCommand()).job();
        Status status = result.timedOut() ? Status.TIMED_OUT
                : result.getExitValue() == 0 && !result.stopped() ? Status.DONE : Status.FAILED;
        String message = switch (status) {
            case TIMED_OUT -> "timed out after " + ReleaseConsole.format(job.timeout()) + "; process tree killed";
            case FAILED -> result.failure() != null ? result.failure()
                    : result.stopped() ? "stopped: stella-release is stopping" : "exit code " + result.getExitValue();
            default -> null;
        };
        // A step a build worker ran says which one, and how many deliveries it took (more than 1: a worker died holding it).
        Map<String, String> details = result.worker() == null ? Map.of()
                : Map.of("worker", result.worker(), "deliveries", Integer.toString(result.deliveries()));
        long ms = Duration.between(result.startedAt(), result.finishedAt()).toMillis();
        metrics.execFinished(job.stage(), status.label(), Duration.ofMillis(ms));
        return new StepResult(job.stage(), job.name(), status, result.getExitValue(), result.startedAt(),
                result.finishedAt(), ms, run.releaseDir().relativize(job.log()).toString(), List.of(), details, message);
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        ReleaseRun run = newExchange.getProperty(ReleaseRun.PROPERTY, ReleaseRun.class);
        StepResult step = newExchange.getMessage().getBody() instanceof StepResult r ? r : failedStep(newExchange);
        // A step's exception is its own failure: the other steps go on, the stage fails when all are in.
        newExchange.setException(null);
        record(run, newExchange.getProperty(ReleaseRun.STAGE, String.class), step);
        return newExchange;
    }

    /** Adds a finished step to the exchange's stage; single-step stages call this from their route. */
    public void record(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String name,
                       @Body StepResult step) {
        requireOwnResult(run, name, step);
        run.stage(name).ifPresent(stage -> {
            int done = stage.addStep(step);
            console.stepFinished(run, stage.getName(), done, Math.max(done, stage.getPlannedSteps()), step.name(),
                    step.status().label(), Duration.ofMillis(step.durationMs()));
        });
    }

    /**
     * The body must be a step result this stage made: a {@code filter} or {@code choice} that skipped the stage's work
     * leaves the previous stage's result in the body, and recording it would make it this stage's artifact (the CLI's
     * last archive as the release's chart). Such a stage fails, saying so, rather than releasing something wrong.
     */
    private static void requireOwnResult(ReleaseRun run, String name, StepResult step) {
        String skip = "a filter or choice that skipped the stage's work? A stage that decides not to do its work sets the"
                + " exchange property skipReason";
        if (step == null) {
            throw new StageFailedException("stage " + name + " has no step result to record: its work did not run (" + skip + ")");
        }
        if (run == null) {
            return;
        }
        for (StageRecord other : run.getStages()) {
            // holds(), not getSteps(): that copies and sorts every stage's steps, on every step recorded (quadratic).
            if (other.holds(step)) {
                throw new StageFailedException("stage " + name + " has no step result of its own: the body is step "
                        + step.name() + " of " + other.getName() + ", already recorded; its work did not run (" + skip + ")");
            }
        }
    }

    private static StepResult failedStep(Exchange exchange) {
        ExecJob job = exchange.getProperty(JOB_PROPERTY, ExecJob.class);
        Object body = exchange.getMessage().getBody();
        String name = job != null ? job.name() : String.valueOf(body);
        Throwable error = exchange.getException();
        String why = error == null ? "no result" : error.getMessage() != null ? error.getMessage() : error.toString();
        Instant now = Instant.now();
        return new StepResult(job != null ? job.stage() : null, name, Status.FAILED, null, now, now, 0,
                null, List.of(), Map.of(), why);
    }

    /** Fails the running stage when any of its steps failed, naming each with its reason and log tail. */
    public void requireAllDone(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String name) {
        StageRecord stage = run.stage(name).orElseThrow(() -> new IllegalStateException("requireAllDone runs inside a stage"));
        List<StepResult> failed = stage.failedSteps();
        if (failed.isEmpty()) {
            return;
        }
        // Steps failed for one reason (a registry down fails every push the same way) are named together: said once.
        Map<String, List<String>> byReason = failed.stream().collect(Collectors.groupingBy(s -> String.valueOf(s.message()),
                java.util.LinkedHashMap::new, Collectors.mapping(StepResult::name, Collectors.toList())));
        String detail = byReason.entrySet().stream().map(e -> String.join(", ", e.getValue()) + " (" + e.getKey() + ")")
                .collect(Collectors.joining(", "));
        StringBuilder message = new StringBuilder(failed.size() + " of " + stage.getSteps().size() + " failed: " + detail);
        for (StepResult s : failed) {
            if (s.log() != null) {
                message.append("\n--- ").append(s.name()).append(": last lines of ").append(s.log()).append('\n')
                        .append(tail(run.releaseDir().resolve(s.log()), LOG_TAIL_LINES));
            }
        }
        throw new StageFailedException(message.toString());
    }

    /** The last lines of a log, read from its end so a huge log costs no more than a small one. */
    static String tail(Path log, int lines) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long start = Math.max(0, length - 8192);
            byte[] bytes = new byte[(int) (length - start)];
            file.seek(start);
            file.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            int from = Math.max(start > 0 ? 1 : 0, all.length - lines);
            return String.join("\n", List.of(all).subList(from, all.length));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
