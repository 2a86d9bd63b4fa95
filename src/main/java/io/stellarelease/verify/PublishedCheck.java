package io.stellarelease.verify;

import io.stellarelease.targets.PublishTargets;
import io.stellarelease.releasemanifest.ReleaseManifest;
import io.stellarelease.steps.StageFailedException;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The verify stage: the release read back from where it was published (and its files checked on disk), failing
 * with every problem found: a tag resolving to another digest, an asset missing or twice, a package not listed.
 */
public class PublishedCheck {
    public static final String STAGE = "verify";

    private final PublishTargets targets;

    public PublishedCheck(PublishTargets targets) {
        this.targets = targets;
    }

    public String skipReason(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        if (run.getRequest().dryRun()) {
            return "dry run: nothing was published";
        }
        boolean any = targets.releaseEnabled() || targets.nugetPushUrl().isPresent() || targets.registryUrl().isPresent()
                || targets.helmToGitea();
        return any ? null : "no publishing target configured";
    }

    public StepResult check(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        Instant started = Instant.now();
        try {
            LocalVerification.Release release = LocalVerification.open(
                    run.releaseDir().resolve(ReleaseManifest.fileName(run)));
            VerifyReport local = LocalVerification.check(release,
                    io.stellarelease.signchecksums.ChecksumSigning.publicKey(targets.config()).orElse(null),
                    io.stellarelease.signchecksums.ChecksumSigning.minisignPublicKey(targets.config()).orElse(null));
            VerifyReport remote = new RemoteVerification(targets).check(release);
            var problems = new java.util.ArrayList<>(local.problems());
            problems.addAll(remote.problems());
            if (!problems.isEmpty()) {
                throw new StageFailedException(problems.size() + " problem(s) in what was published: "
                        + String.join("; ", problems));
            }
            Instant now = Instant.now();
            return new StepResult(STAGE, "published", Status.DONE, null, started, now, Duration.between(started, now).toMillis(),
                    null, java.util.List.of(), Map.of(
                    "localChecks", String.valueOf(local.checked().size()),
                    "remoteChecks", String.valueOf(remote.checked().size())), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
