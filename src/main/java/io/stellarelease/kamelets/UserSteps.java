package io.stellarelease.kamelets;

import io.stellarelease.steps.ExecPlanner;
import io.stellarelease.exec.ExecJob;
import io.stellarelease.clients.GtPlannedRequest;
import io.stellarelease.clients.PlainHttp;
import io.stellarelease.targets.PlanFile;
import io.stellarelease.targets.PublishTargets;
import io.stellarelease.state.Artifact;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the kamelets for YAML stages (routes/kamelets/) call, so a stage written in YAML gets what ours get: a command
 * run as a tracked step (stella-exec), a file registered as a release artifact (stella-artifact), an HTTP call that
 * obeys the dry run (stella-http). The kamelets pass their parameters as exchange properties {@code stella.*}.
 */
public class UserSteps {
    private final ExecPlanner planner;
    private final PublishTargets targets;

    public UserSteps(ExecPlanner planner, PublishTargets targets) {
        this.planner = planner;
        this.targets = targets;
    }

    /** stella-exec: the job for {@code command} (a YAML list, {@code [bash, build/sbom.sh]}, or words separated by spaces). */
    public ExecJob command(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage,
                           @ExchangeProperty("stella.name") String name, @ExchangeProperty("stella.command") String command,
                           @ExchangeProperty("stella.timeout") String timeout) {
        requireStage(stage, "stella-exec");
        return planner.userJob(run, stage, name, arguments(command), Duration.parse(timeout));
    }

    static List<String> arguments(String command) {
        return io.stellarelease.util.CommandText.arguments(command);
    }

    /** stella-artifact: {@code file} (relative to the release directory) as an artifact of the stage. */
    public StepResult artifact(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage,
                               @ExchangeProperty("stella.file") String file) {
        requireStage(stage, "stella-artifact");
        Path dir = run.releaseDir();
        Path path = dir.resolve(file).normalize();
        Instant now = Instant.now();
        String name = dir.relativize(path).toString();
        if (!path.startsWith(dir) || !Files.isRegularFile(path)) {
            return new StepResult(stage, file, Status.FAILED, null, now, now, 0, null, List.of(), Map.of(),
                    "stella-artifact: " + file + " is not a file in the release directory " + dir);
        }
        try {
            Artifact artifact = new Artifact("extra", name, Files2.sha256(path), Files.size(path));
            return new StepResult(stage, name, Status.DONE, null, now, now, 0, null, List.of(artifact), Map.of(), null);
        } catch (IOException e) {
            return new StepResult(stage, name, Status.FAILED, null, now, now, 0, null, List.of(), Map.of(), e.getMessage());
        }
    }

    /**
     * stella-http: the request is written to release-plan.json first; a dry run stops there (the step is skipped), a
     * real run sends it, retried like publishing, and fails the step on an error answer.
     */
    public StepResult http(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage,
                           @ExchangeProperty("stella.name") String name, @ExchangeProperty("stella.method") String method,
                           @ExchangeProperty("stella.url") String url, @ExchangeProperty("stella.contentType") String contentType,
                           @Body String body) {
        requireStage(stage, "stella-http");
        URI uri = URI.create(url);
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("stella-http " + name + ": credentials in the URL are refused (they would be in release-plan.json)");
        }
        PlanFile.writeStep(run, stage, name, new PlanFile.Planned(url, new GtPlannedRequest(method, "", body)));
        Instant started = Instant.now();
        if (run.getRequest().dryRun()) {
            return new StepResult(stage, name, Status.SKIPPED, null, started, started, 0, null, List.of(), Map.of(),
                    "dry run: not sent; the request is in release-plan.json");
        }
        String request = method + " " + uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
        try {
            int code = new PlainHttp(targets.retry()).send(method, uri, contentType, body);
            Instant now = Instant.now();
            long ms = Duration.between(started, now).toMillis();
            return new StepResult(stage, name, code < 400 ? Status.DONE : Status.FAILED, null, started, now, ms, null, List.of(),
                    Map.of("status", Integer.toString(code)), code < 400 ? null : request + " answered HTTP " + code);
        } catch (IOException e) {
            Instant now = Instant.now();
            return new StepResult(stage, name, Status.FAILED, null, started, now, Duration.between(started, now).toMillis(),
                    null, List.of(), Map.of(), request + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(request + " interrupted", e);
        }
    }

    private static void requireStage(String stage, String kamelet) {
        if (stage == null) {
            throw new IllegalStateException(kamelet + " runs inside a stage: a route wrapping its work in `- step: {id: <stage>}`");
        }
    }
}
