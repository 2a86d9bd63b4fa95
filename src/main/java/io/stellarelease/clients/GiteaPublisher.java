package io.stellarelease.clients;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Publishes a Gitea release and its assets so that running it again after a failure at any point finishes the job
 * and duplicates nothing: an existing release is reused, assets already there (same name and size) are skipped.
 * The release is created as a draft and published (made visible) only once every asset is attached: a failed upload
 * leaves a draft nobody is pointed at, which the next run finds and finishes.
 */
public final class GiteaPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(GiteaPublisher.class);

    public enum AssetAction { UPLOADED, SKIPPED, REPLACED }

    public record AssetOutcome(String name, long size, AssetAction action) { }

    /**
     * @param release the release as this call left it ({@code draft()}: still a draft)
     * @param created whether this call created the release (false: it existed and was reused)
     * @param dryRun  whether the writes were only planned; the outcomes then say what a real run would do
     */
    public record PublishResult(GtRelease release, boolean created, boolean dryRun, List<AssetOutcome> assets) {
        public List<String> named(AssetAction action) {
            return assets.stream().filter(a -> a.action() == action).map(AssetOutcome::name).toList();
        }
    }

    private final GtReleasesApi api;
    private final String owner;
    private final String repo;
    private final boolean dryRun;
    private boolean readsInDryRun = true;

    /**
     * A dry run that sends no request at all, not even reads: it plans the release as if nothing were published
     * yet (offline, without credentials). The pipeline's dry run works this way.
     */
    public GiteaPublisher offlineDryRun() {
        this.readsInDryRun = false;
        return this;
    }

    public GiteaPublisher(GiteaClient client, String owner, String repo) {
        this(client, owner, repo, client.dryRun());
    }

    public GiteaPublisher(GtReleasesApi api, String owner, String repo, boolean dryRun) {
        this.api = Objects.requireNonNull(api, "api");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.repo = Objects.requireNonNull(repo, "repo");
        this.dryRun = dryRun;
    }

    /**
     * @param keepDraft leave the release a draft (gitea.draft: true) rather than publish it once its assets are attached
     */
    public PublishResult publishRelease(String tag, String title, String body, boolean prerelease, boolean keepDraft,
                                        List<Path> assets, AssetPolicy onDifferent) {
        Map<String, Path> files = byName(assets);
        boolean created = true;
        GtRelease release;
        try {
            // A dry run reads what is there (reads are sent) so that its plan skips what a real run would skip.
            Optional<GtRelease> found = dryRun && readsInDryRun ? api.findRelease(owner, repo, tag) : Optional.empty();
            if (found.isPresent()) {
                created = false;
                release = found.get();
            } else {
                release = api.createRelease(owner, repo, new GtCreateRelease(tag, title, body, true, prerelease, null));
            }
        } catch (GtApiException e) {
            if (!e.conflict()) {
                throw e;
            }
            // 409: the release exists, from an earlier (maybe half-finished) run: finish that one.
            created = false;
            release = api.findRelease(owner, repo, tag).orElseThrow(() -> new GtApiException(409, e.method(),
                    e.path(), "release for " + tag + " reported as existing but found neither by tag nor among the drafts: "
                            + e.giteaMessage(), e));
            LOG.info("release {} exists (id {}{}), reusing it", tag, release.id(), release.draft() ? ", a draft" : "");
        }

        // Listed afresh rather than taken from the release: the list is what the next upload competes with.
        List<GtAsset> existing = release.planned() ? List.of() : api.listAssets(owner, repo, release.id());
        Map<String, List<GtAsset>> there = new LinkedHashMap<>();
        for (GtAsset asset : existing) {
            there.computeIfAbsent(asset.name(), k -> new ArrayList<>()).add(asset);
        }

        // Decide everything before the first write, so FAIL leaves the release untouched.
        List<String> conflicts = new ArrayList<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (Map.Entry<String, Path> file : files.entrySet()) {
            long size = size(file.getValue());
            sizes.put(file.getKey(), size);
            List<GtAsset> same = there.getOrDefault(file.getKey(), List.of());
            if (!same.isEmpty() && same.stream().noneMatch(a -> a.size() == size)) {
                conflicts.add(file.getKey() + " is " + same.get(0).size() + " bytes on the release, " + size + " here");
            }
        }
        if (onDifferent == AssetPolicy.FAIL && !conflicts.isEmpty()) {
            throw new AssetConflictException(tag, conflicts);
        }

        List<AssetOutcome> outcomes = new ArrayList<>();
        for (Map.Entry<String, Path> file : files.entrySet()) {
            String name = file.getKey();
            long size = sizes.get(name);
            List<GtAsset> same = there.getOrDefault(name, List.of());
            Optional<GtAsset> match = same.stream().filter(a -> a.size() == size).findFirst();
            if (match.isPresent()) {
                outcomes.add(new AssetOutcome(name, size, AssetAction.SKIPPED));
                continue;
            }
            for (GtAsset old : same) {
                api.deleteAsset(owner, repo, release.id(), old.id());
            }
            api.uploadAsset(owner, repo, release.id(), name, file.getValue());
            outcomes.add(new AssetOutcome(name, size, same.isEmpty() ? AssetAction.UPLOADED : AssetAction.REPLACED));
        }
        // Every asset is attached: now the release may be seen. A release published earlier stays published.
        if (release.draft() && !keepDraft) {
            release = api.editRelease(owner, repo, release.id(), GtEditRelease.publish(), release);
        }
        if (dryRun && !readsInDryRun) {
            // The plan of a real run or of a dry run: the client said per request what it did not send.
            LOG.debug("release {}: planned {} upload(s), {} replacement(s), {} skipped", tag,
                    count(outcomes, AssetAction.UPLOADED), count(outcomes, AssetAction.REPLACED), count(outcomes, AssetAction.SKIPPED));
        } else {
            LOG.info("release {}: {} asset(s) uploaded, {} replaced, {} skipped{}{}", tag,
                    count(outcomes, AssetAction.UPLOADED), count(outcomes, AssetAction.REPLACED),
                    count(outcomes, AssetAction.SKIPPED), release.draft() ? ", left a draft" : "",
                    dryRun ? " (dry run: nothing sent)" : "");
        }
        return new PublishResult(release, created, dryRun, List.copyOf(outcomes));
    }

    private static Map<String, Path> byName(List<Path> assets) {
        Map<String, Path> files = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Path asset : assets) {
            String name = asset.getFileName().toString();
            if (!seen.add(name)) {
                throw new IllegalArgumentException("two assets named " + name + ": " + files.get(name) + " and " + asset);
            }
            files.put(name, asset);
        }
        return files;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("asset " + file + ": " + e.getMessage(), e);
        }
    }

    private static long count(List<AssetOutcome> outcomes, AssetAction action) {
        return outcomes.stream().filter(o -> o.action() == action).count();
    }
}
