package io.stellarelease.airgapbundle;

import io.stellarelease.clients.GtPlannedRequest;
import io.stellarelease.clients.OciPusher;
import io.stellarelease.clients.RegistryCredentials;
import io.stellarelease.clients.RetryPolicy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads a checked {@link AirgapBundle} into a registry, talking to that registry only: every image and the chart by
 * digest from the bundle's layout (blobs the registry has are not sent again, so a repeated import sends only
 * manifests), then reads every tag back and compares its digest with the bundle's.
 */
public final class AirgapImporter {

    /** A tag read back: {@code path:tag} in the registry and the digest it resolved to (the bundle's). */
    public record TagCheck(String reference, String digest) { }

    public record ImportResult(String registry, List<TagCheck> tags, int uploadedBlobs, int skippedBlobs) { }

    private final OciPusher pusher;

    public AirgapImporter(RetryPolicy retry) {
        this.pusher = new OciPusher(retry);
    }

    public ImportResult importInto(AirgapBundle bundle, String registryUrl, RegistryCredentials credentials)
            throws IOException, InterruptedException {
        String registry = registryUrl.replaceAll("/+$", "");
        int uploaded = 0;
        int skipped = 0;
        for (AirgapBundle.Target target : bundle.targets()) {
            OciPusher.PushResult pushed = pusher.pushFromLayout(bundle.layout(), target.repository(), registry, target.path(),
                    credentials);
            uploaded += pushed.uploadedBlobs().size();
            skipped += pushed.skippedBlobs().size();
        }
        return new ImportResult(registry, readBack(bundle, registry, credentials), uploaded, skipped);
    }

    /** Every tag of the bundle, read back with a GET of its manifest: each must resolve to the bundle's digest. */
    public List<TagCheck> readBack(AirgapBundle bundle, String registry, RegistryCredentials credentials)
            throws IOException, InterruptedException {
        List<TagCheck> checked = new ArrayList<>();
        for (AirgapBundle.Target target : bundle.targets()) {
            for (String tag : target.tags()) {
                Optional<String> digest = pusher.resolve(registry, target.path(), tag, credentials);
                String reference = target.path() + ":" + tag;
                if (digest.isEmpty()) {
                    throw new AirgapException(registry + ": " + reference + " is not there after the import");
                }
                if (!digest.get().equals(target.digest())) {
                    throw new AirgapException(registry + ": " + reference + " resolves to " + digest.get()
                            + ", the bundle's digest is " + target.digest());
                }
                checked.add(new TagCheck(reference, digest.get()));
            }
        }
        return List.copyOf(checked);
    }

    /** The write requests an import into an empty registry sends, without sending anything. */
    public List<GtPlannedRequest> plan(AirgapBundle bundle) throws IOException {
        List<GtPlannedRequest> planned = new ArrayList<>();
        for (AirgapBundle.Target target : bundle.targets()) {
            planned.addAll(pusher.planFromLayout(bundle.layout(), target.repository(), target.path()));
        }
        return planned;
    }
}
