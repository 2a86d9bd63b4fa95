package io.stellarelease.service;

import io.stellarelease.dispatch.ModuleDispatch;

import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.dispatch.DispatchRequest;
import io.stellarelease.dispatch.SuiteDispatch;
import io.stellarelease.intake.HttpAnswerException;
import io.stellarelease.intake.TagEvent;
import io.stellarelease.rules.ModuleTagParser;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.rules.SuiteTagParser;
import io.stellarelease.rules.SuiteVersion;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns release requests (a pushed tag, a dispatch message) into runs: checks the release rules (422
 * naming the rule), records the run durably, and answers 202 with its id and status URL, the existing
 * run for a tag seen before (a new attempt of it when it failed), or 409 when the version already has an
 * active run of the same kind (dry or real).
 */
public class RunIntake {
    private final RunManager manager;
    private final SuiteTagParser tags;
    private final ModuleTagParser modules;

    private final io.stellarelease.planrollback.RollbackPlanner rollbacks;

    public RunIntake(ReleaseConfig config, RunManager manager, io.stellarelease.planrollback.RollbackPlanner rollbacks) {
        this.manager = manager;
        this.rollbacks = rollbacks;
        this.tags = new SuiteTagParser(config);
        this.modules = new ModuleTagParser(config);
    }

    public HttpAnswer tagPushed(TagEvent event) {
        if (!SuiteTagParser.isSuiteTag(event.tag())) {
            // A pushed module tag publishes everything its module has: package and image.
            ModuleTagParser.ModuleTag module = modules.parse(event.tag());
            return answer(manager.submit(new RunRequest("module", module.tag(), module.version(),
                    event.source() + "-webhook", event.deliveryId(), event.cloneUrl(), event.commit(), false, false, false)));
        }
        SuiteVersion suite = tags.parse(event.tag());
        RunRequest request = new RunRequest("suite", suite.tag(), suite.version(), event.source() + "-webhook",
                event.deliveryId(), event.cloneUrl(), event.commit(), false, false, false);
        return answer(manager.submit(request));
    }

    /** A dispatch message, from the queue or from {@code POST /api/v1/dispatch}. */
    public HttpAnswer dispatched(DispatchRequest message, String source, String delivery) {
        if (message instanceof io.stellarelease.dispatch.RollbackDispatch rollback) {
            return rollback(rollback.request(), source, delivery);
        }
        if (message instanceof ModuleDispatch module) {
            ModuleTagParser.ModuleTag tag = modules.parse(module.tag());
            return keyed(new RunRequest("module", tag.tag(), tag.version(), source, delivery, null, null,
                    module.dryRun(), false, true, !module.publishNuget(), !module.publishContainer()));
        }
        if (!(message instanceof SuiteDispatch suite)) {
            throw new ReleaseRuleException(message.tag(), "unknown dispatch message kind: " + message.kind());
        }
        SuiteVersion version = tags.parse(suite.tag());
        return keyed(new RunRequest("suite", version.tag(), version.version(), source, delivery, null, null,
                suite.dryRun(), suite.skipTests(), true));
    }

    /**
     * A rollback, from a dispatch message or {@code POST /api/v1/rollback}: resolved against the release history
     * (422 naming the rule when it cannot be done), then recorded and run like a release.
     */
    public HttpAnswer rollback(io.stellarelease.state.RollbackRequest request, String source, String delivery) {
        io.stellarelease.rules.RollbackTag tag = rollbacks.resolve(request);
        return keyed(new RunRequest("rollback", tag.tag(), tag.label(), source, delivery, null, null,
                request.dryRun(), false, true));
    }

    /**
     * Submits a dispatched request. An HTTP {@code Idempotency-Key} names one request: sent again with another request
     * (another tag, kind or flag) it is refused (422) rather than answered as a duplicate of a run the caller did not
     * ask for, which would drop the new request silently. Nothing was recorded for it.
     */
    private HttpAnswer keyed(RunRequest request) {
        Submission submission = manager.submit(request);
        RunRecord run = submission.run();
        String delivery = request.delivery();
        if (submission instanceof Submission.Duplicate && delivery != null && delivery.startsWith("http:")
                && run.deliveries().contains(delivery) && !sameRequest(run, request)) {
            throw new HttpAnswerException(422, "Idempotency-Key '" + delivery.substring("http:".length())
                    + "' was used for another request: run " + run.id() + " (" + run.kind() + " " + run.tag()
                    + (run.dryRun() ? ", dry run" : "") + "); send a new key with a new request");
        }
        return answer(submission);
    }

    private static boolean sameRequest(RunRecord run, RunRequest request) {
        return run.kind().equals(request.kind()) && run.tag().equals(request.tag()) && run.dryRun() == request.dryRun()
                && run.skipTests() == request.skipTests() && run.skipNuget() == request.skipNuget()
                && run.skipContainer() == request.skipContainer();
    }

    static HttpAnswer answer(Submission submission) {
        RunRecord run = submission.run();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run", run.id());
        body.put("tag", run.tag());
        body.put("state", run.state().label());
        body.put("statusUrl", "/api/v1/runs/" + run.id());
        if (submission instanceof Submission.Accepted) {
            body.put("status", "accepted");
            body.put("attempt", 1);
            return new HttpAnswer(202, body);
        }
        if (submission instanceof Submission.Retried) {
            // The attempt this request starts: every start of the run counts (a resume after a restart too).
            body.put("status", "retrying");
            body.put("attempt", run.attempts() + 1);
            body.put("reason", "run " + run.id() + " of tag " + run.tag() + " failed: attempt " + (run.attempts() + 1)
                    + " resumes it at its failed stage");
            return new HttpAnswer(202, body);
        }
        if (submission instanceof Submission.Duplicate) {
            body.put("status", "duplicate");
            body.put("reason", "tag " + run.tag() + " already started run " + run.id() + " (" + run.state().label() + ")");
            return new HttpAnswer(202, body);
        }
        body.put("status", 409); // an error answer: {"status": N, "error": ...} like every other, with the run it met
        body.put("error", "version " + run.version() + " has an active run " + run.id() + " (" + run.tag() + ", "
                + run.state().label() + "): wait for it to finish, then dispatch again");
        return new HttpAnswer(409, body);
    }
}
