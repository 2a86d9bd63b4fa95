package io.stellarelease.pushcontainers;

import io.stellarelease.steps.Steps;
import io.stellarelease.targets.PlanFile;
import io.stellarelease.targets.PublishTargets;
import io.stellarelease.targets.RunCircuits;
import io.stellarelease.clients.GtPlannedRequest;
import io.stellarelease.clients.OciPusher;
import io.stellarelease.buildcontainers.ContainerImages;
import io.stellarelease.state.Produces;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StepResult;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The push-containers stage: each image tarball of build-containers pushed to the configured registry with all its
 * tags. Blobs the registry has are not sent again. The step records the digest the registry answered (the push fails
 * when it differs from the tarball's), which the release manifest then records.
 */
public class ContainerPushing {
    public static final String STAGE = "push-containers";

    private final PublishTargets targets;
    private final RunCircuits circuits = new RunCircuits();

    public ContainerPushing(PublishTargets targets) {
        this.targets = targets;
    }

    public String skipReason(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        if (run.getRequest().skipContainer()) {
            return "not requested (publishContainer: false)";
        }
        if (targets.registryUrl().isEmpty()) {
            return "no registry configured (publish.registry.url)";
        }
        return run.produced(Produces.IMAGES).isEmpty() ? "no image was built" : null;
    }

    /** The images to push (build-containers steps); writes their requests into release-plan.json first. */
    public List<StepResult> plan(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage) {
        List<StepResult> images = run.produced(Produces.IMAGES);
        List<GtPlannedRequest> requests = new ArrayList<>();
        OciPusher pusher = new OciPusher(targets.retry());
        try {
            for (StepResult image : images) {
                requests.addAll(pusher.plan(run.releaseDir().resolve(image.artifacts().get(0).path()),
                        targets.imageRepository(image.name())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PlanFile.write(run, STAGE, targets.registryUrl().orElseThrow(), requests);
        run.stage(stage).ifPresent(s -> s.plan(images.size()));
        circuits.fresh(run);
        return images;
    }

    public StepResult push(@Body StepResult image, @ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        Instant started = Instant.now();
        String registry = targets.registryUrl().orElseThrow();
        String repository = targets.imageRepository(image.name());
        try {
            // One circuit for the stage's pushes: a registry that refuses connections is tried by one, not by each.
            OciPusher.PushResult result = new OciPusher(targets.retry(), circuits.of(run)).push(
                    run.releaseDir().resolve(image.artifacts().get(0).path()), registry, repository, targets.registryCredentials());
            Map<String, String> details = new TreeMap<>();
            details.put("registry", registry);
            details.put("repository", PublishTargets.reference(registry, repository));
            details.put("tags", String.join(",", result.tags().stream().map(OciPusher.TagDigest::tag).toList()));
            details.put("digest", result.tags().get(0).digest());
            details.put("uploadedBlobs", String.valueOf(result.uploadedBlobs().size()));
            details.put("skippedBlobs", String.valueOf(result.skippedBlobs().size()));
            return Steps.done(STAGE, image.name(), started, details);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Steps.failed(STAGE, image.name(), started, e);
        }
    }
}
