package io.stellarelease.publishhelm;

import io.stellarelease.steps.Steps;
import io.stellarelease.targets.PlanFile;
import io.stellarelease.targets.PublishTargets;
import io.stellarelease.targets.RunCircuits;
import io.stellarelease.clients.GiteaClient;
import io.stellarelease.clients.GtPackageResult;
import io.stellarelease.clients.GtPlannedRequest;
import io.stellarelease.clients.HelmOciArtifact;
import io.stellarelease.clients.OciPusher;
import io.stellarelease.buildhelm.HelmChart;
import io.stellarelease.state.Produces;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StepResult;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The publish-helm stage: the packaged chart to Gitea's Helm endpoint and/or to the registry as an OCI artifact in
 * Helm's media types, one step per target. Gitea's package API is asked first whether the chart version is there
 * (then nothing is sent: skipped-duplicate), as blobs are HEADed before an upload.
 */
public class HelmPublishing {
    public static final String STAGE = "publish-helm";
    public static final String GITEA = "gitea";
    public static final String OCI = "oci";

    private final PublishTargets targets;
    private final RunCircuits circuits = new RunCircuits();

    public HelmPublishing(PublishTargets targets) {
        this.targets = targets;
    }

    public String skipReason(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        if (!targets.helmToGitea() && targets.config().publish().helm().oci() == null) {
            return "no Helm target configured (publish.helm)";
        }
        return chart(run) == null ? "no chart was built" : null;
    }

    /** The targets ({@value #GITEA}, {@value #OCI}); writes their requests into release-plan.json first. */
    public List<String> plan(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage) {
        StepResult chart = chart(run);
        List<String> list = new ArrayList<>();
        List<PlanFile.Planned> requests = new ArrayList<>();
        if (targets.helmToGitea()) {
            list.add(GITEA);
            GiteaClient dry = targets.giteaPlanner(run);
            dry.uploadHelmChart(targets.owner(), tgz(run, chart));
            dry.plannedRequests().forEach(r -> requests.add(new PlanFile.Planned(targets.gitea().url(), r)));
        }
        targets.chartRepository(chart.name()).ifPresent(repository -> {
            list.add(OCI);
            try {
                new OciPusher(targets.retry()).plan(ociLayout(run, chart), repository)
                        .forEach(r -> requests.add(new PlanFile.Planned(targets.registryUrl().orElseThrow(), r)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        PlanFile.write(run, STAGE, requests);
        run.stage(stage).ifPresent(s -> s.plan(list.size()));
        circuits.fresh(run);
        return list;
    }

    public StepResult push(@Body String target, @ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        Instant started = Instant.now();
        StepResult chart = chart(run);
        try {
            Map<String, String> details = new TreeMap<>();
            if (target.equals(GITEA)) {
                GiteaClient gitea = targets.giteaClient(false);
                boolean there = gitea.packageExists(targets.owner(), "helm", chart.name(), chart.details().get("version"));
                GtPackageResult.Outcome outcome = there ? GtPackageResult.Outcome.DUPLICATE
                        : gitea.uploadHelmChart(targets.owner(), tgz(run, chart)).outcome();
                details.put("outcome", outcome == GtPackageResult.Outcome.DUPLICATE ? "skipped-duplicate" : "published");
            } else {
                String registry = targets.registryUrl().orElseThrow();
                String repository = targets.chartRepository(chart.name()).orElseThrow();
                OciPusher.PushResult result = new OciPusher(targets.retry(), circuits.of(run))
                        .push(ociLayout(run, chart), registry, repository, targets.registryCredentials());
                details.put("registry", registry);
                details.put("repository", PublishTargets.reference(registry, repository));
                details.put("tags", chart.details().get("version"));
                details.put("digest", result.tags().get(0).digest());
                details.put("uploadedBlobs", String.valueOf(result.uploadedBlobs().size()));
                details.put("skippedBlobs", String.valueOf(result.skippedBlobs().size()));
            }
            return Steps.done(STAGE, target, started, details);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Steps.failed(STAGE, target, started, e);
        }
    }

    private static StepResult chart(ReleaseRun run) {
        return run.produced(Produces.CHART).stream().filter(s -> !s.artifacts().isEmpty()).findFirst().orElse(null);
    }

    private static Path tgz(ReleaseRun run, StepResult chart) {
        return run.releaseDir().resolve(chart.artifacts().get(0).path());
    }

    /** The chart's OCI layout, in the release's working files (rebuilt each time: same bytes for the same chart). */
    private static Path ociLayout(ReleaseRun run, StepResult chart) throws IOException {
        Path dir = Files.createDirectories(run.releaseDir().resolve("work").resolve(STAGE));
        Path layout = dir.resolve(chart.name() + ".oci.tar");
        HelmOciArtifact.write(tgz(run, chart), chart.name(), chart.details().get("version"),
                chart.details().get("appVersion"), layout);
        return layout;
    }
}
