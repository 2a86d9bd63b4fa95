package io.stellarelease.createrelease;

import io.stellarelease.steps.Steps;
import io.stellarelease.targets.PlanFile;
import io.stellarelease.targets.PublishTargets;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.clients.GiteaClient;
import io.stellarelease.clients.GiteaPublisher;
import io.stellarelease.clients.GtPlannedRequest;
import io.stellarelease.rules.ChangelogRule;
import io.stellarelease.signchecksums.ChecksumSigning;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.releasemanifest.Checksums;
import io.stellarelease.releasemanifest.ReleaseManifest;
import io.stellarelease.summary.ReleaseSummary;
import io.stellarelease.state.Produces;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StepResult;
import org.apache.camel.ExchangeProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The create-release stage: the Gitea release for the tag (title, the version's CHANGELOG section and the summary
 * table, prerelease for edge) with its assets: manifest, checksums, CLI archives, chart. The release is created as a
 * draft and published once every asset is on it (left a draft with gitea.draft: true). A release already there (409,
 * a draft of a failed run too) is reused and finished; an asset already there with the same name and size is skipped.
 */
public class GiteaRelease {
    public static final String STAGE = "create-release";

    private final PublishTargets targets;
    private final ReleaseSummary summary;

    public GiteaRelease(PublishTargets targets, ReleaseSummary summary) {
        this.targets = targets;
        this.summary = summary;
    }

    public String skipReason(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        return targets.releaseEnabled() ? null : "the Gitea release is disabled (publish.release.enabled)";
    }

    /** Writes the release's requests into release-plan.json: what {@link #publish} sends to a Gitea without it. */
    public void plan(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        GiteaClient dry = targets.giteaPlanner(run);
        publisher(dry).offlineDryRun().publishRelease(run.requireSuite().tag(), title(run.requireSuite()), body(run),
                prerelease(run), targets.gitea().draft(), assets(run), targets.assetPolicy());
        List<GtPlannedRequest> requests = dry.plannedRequests().stream()
                .map(r -> new GtPlannedRequest(r.method(), r.path().replaceFirst("/releases/-1(?=/|$)", "/releases/{id}"), r.body()))
                .toList();
        PlanFile.write(run, STAGE, targets.gitea().url(), requests);
    }

    public StepResult publish(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        Instant started = Instant.now();
        GiteaPublisher.PublishResult result = publisher(targets.giteaClient(false)).publishRelease(run.requireSuite().tag(),
                title(run.requireSuite()), body(run), prerelease(run), targets.gitea().draft(), assets(run), targets.assetPolicy());
        Map<String, String> details = new TreeMap<>();
        details.put("releaseId", String.valueOf(result.release().id()));
        if (result.release().htmlUrl() != null) {
            details.put("url", result.release().htmlUrl());
        }
        details.put("outcome", result.created() ? "created" : "existed");
        details.put("draft", String.valueOf(result.release().draft()));
        for (GiteaPublisher.AssetAction action : GiteaPublisher.AssetAction.values()) {
            details.put(action.name().toLowerCase(Locale.ROOT), String.join(",", result.named(action)));
        }
        return Steps.done(STAGE, "release", started, details);
    }

    private GiteaPublisher publisher(GiteaClient client) {
        return new GiteaPublisher(client, targets.owner(), targets.gitea().repo());
    }

    private boolean prerelease(ReleaseRun run) {
        return targets.config().channels().get(run.requireSuite().channel()).prerelease();
    }

    /** {@code StellaOps 2026.04 Nova}: the configured title with the codename capitalised. */
    public String title(SuiteVersion suite) {
        String codename = suite.codename().substring(0, 1).toUpperCase(Locale.ROOT) + suite.codename().substring(1);
        return targets.gitea().title().replace("{version}", suite.version()).replace("{codename}", codename)
                .replace("{channel}", suite.channel());
    }

    /** The version's CHANGELOG section, then the table of the stages so far. */
    String body(ReleaseRun run) {
        ReleaseConfig config = targets.config();
        String changes = ChangelogRule.section(run.getRequest().workspace().resolve(config.rules().changelog()),
                run.requireSuite().version()).orElse("").strip();
        return changes + "\n\n" + summary.stagesTable(run);
    }

    /**
     * The files attached to the release, those that exist: manifest, checksums and their signatures (.asc, .minisig), CLI archives,
     * chart, SBOMs, registered artifacts.
     */
    public static List<Path> assets(ReleaseRun run) {
        List<String> names = new ArrayList<>();
        names.add(ReleaseManifest.fileName(run));
        names.add(Checksums.fileName(run.requireSuite().version()));
        run.produced(Produces.CLI).forEach(s -> s.artifacts().forEach(a -> names.add(a.path())));
        run.produced(Produces.CHART).forEach(s -> s.artifacts().forEach(a -> names.add(a.path())));
        run.produced(Produces.ARTIFACTS).forEach(s -> s.artifacts().forEach(a -> names.add(a.path())));
        names.add(ChecksumSigning.signatureName(run.requireSuite().version()));
        names.add(ChecksumSigning.minisignName(run.requireSuite().version()));
        run.produced(Produces.SBOMS).forEach(s -> s.artifacts().forEach(a -> names.add(a.path())));
        return names.stream().map(run.releaseDir()::resolve).filter(Files::isRegularFile).toList();
    }
}
