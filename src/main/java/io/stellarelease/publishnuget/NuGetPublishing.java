package io.stellarelease.publishnuget;

import io.stellarelease.targets.PlanFile;
import io.stellarelease.targets.PublishTargets;
import io.stellarelease.targets.RunCircuits;
import io.stellarelease.clients.GtPackageResult;
import io.stellarelease.clients.GtPlannedRequest;
import io.stellarelease.clients.NuGetFeed;
import io.stellarelease.steps.ExecPlanner;
import io.stellarelease.steps.Steps;
import io.stellarelease.state.Artifact;
import io.stellarelease.state.Produces;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StepResult;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The publish-nuget stage: every module's .nupkg pushed to the NuGet feed. A version the feed already has (409) is
 * recorded as skipped-duplicate, so a re-run after a failure pushes only what is missing.
 */
public class NuGetPublishing {
    public static final String STAGE = "publish-nuget";

    /** One package to push; its name is the module's, as in the build-modules stage. */
    public record Package(String module, String file) {
        @Override
        public String toString() {
            return module;
        }
    }

    private final PublishTargets targets;
    private final RunCircuits circuits = new RunCircuits();

    public NuGetPublishing(PublishTargets targets) {
        this.targets = targets;
    }

    /** Why the stage does not run, or null when it does. */
    public String skipReason(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        if (run.getRequest().skipNuget()) {
            return "not requested (publishNuget: false)";
        }
        if (targets.nugetPushUrl().isEmpty()) {
            return "no NuGet feed configured (publish.nuget.pushUrl)";
        }
        return packages(run).isEmpty() ? "no NuGet package was built" : null;
    }

    /** The packages to push; writes their requests into release-plan.json first. */
    public List<Package> plan(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage) {
        List<Package> packages = packages(run);
        URI url = targets.nugetPushUrl().orElseThrow();
        List<GtPlannedRequest> requests = new ArrayList<>();
        try {
            for (Package p : packages) {
                requests.add(NuGetFeed.plan(url, run.releaseDir().resolve(p.file())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PlanFile.write(run, STAGE, url.getScheme() + "://" + url.getRawAuthority(), requests);
        run.stage(stage).ifPresent(s -> s.plan(packages.size()));
        circuits.fresh(run);
        return packages;
    }

    public StepResult push(@Body Package p, @ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        Instant started = Instant.now();
        try {
            GtPackageResult result = targets.nugetFeed(circuits.of(run)).push(run.releaseDir().resolve(p.file()));
            String outcome = result.outcome() == GtPackageResult.Outcome.DUPLICATE ? "skipped-duplicate" : "published";
            return Steps.done(STAGE, p.module(), started, Map.of("outcome", outcome, "file", p.file()));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Steps.failed(STAGE, p.module(), started, e);
        }
    }

    private static List<Package> packages(ReleaseRun run) {
        List<Package> packages = new ArrayList<>();
        for (StepResult build : run.produced(Produces.MODULES)) {
            for (Artifact a : build.artifacts()) {
                if (a.path().endsWith(".nupkg")) {
                    packages.add(new Package(build.name(), a.path()));
                }
            }
        }
        return packages;
    }
}
