package io.stellarelease.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.clients.GiteaClient;
import io.stellarelease.clients.GtAsset;
import io.stellarelease.clients.GtRelease;
import io.stellarelease.clients.OciPusher;
import io.stellarelease.clients.RegistryCredentials;
import io.stellarelease.targets.PublishTargets;
import io.stellarelease.releasemanifest.Checksums;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A release checked where it was published, read back with GET requests only: each image tag (and the chart's OCI
 * tag) resolves to the digest in the manifest, the Gitea release exists with every asset at its size, and each NuGet
 * package and the chart are listed by Gitea's package API.
 */
public final class RemoteVerification {

    private final PublishTargets targets;

    public RemoteVerification(PublishTargets targets) {
        this.targets = targets;
    }

    public VerifyReport check(LocalVerification.Release release) {
        VerifyReport report = new VerifyReport();
        JsonNode manifest = release.manifest();
        if (manifest.at("/suite/dryRun").asBoolean(false)) {
            report.problem(release.tag() + ": a dry run, nothing was published");
            return report;
        }
        images(manifest, report);
        GiteaClient gitea = targets.releaseEnabled() || targets.nugetOnGitea() || targets.helmToGitea()
                ? targets.giteaClient(false) : null;
        if (targets.releaseEnabled()) {
            releaseAssets(gitea, release, report);
        }
        if (targets.nugetPushUrl().isPresent()) {
            for (JsonNode module : manifest.path("modules")) {
                String id = module.at("/nuget/id").asText();
                String version = module.path("version").asText();
                if (targets.nugetOnGitea()) {
                    attempt(report, "NuGet " + id + " " + version, () -> report.expect(
                            gitea.packageExists(targets.owner(), "nuget", id, version),
                            "NuGet " + id + " " + version + ": listed by Gitea", "NuGet " + id + " " + version + ": not found on Gitea"));
                } else {
                    report.ok("NuGet " + id + " " + version + ": not checked (the feed is not Gitea's package registry)");
                }
            }
        }
        JsonNode helm = manifest.path("helm");
        if (helm.isObject()) {
            String chart = helm.path("chart").asText();
            String version = helm.path("version").asText();
            if (targets.helmToGitea()) {
                attempt(report, "Helm " + chart + " " + version, () -> report.expect(
                        gitea.packageExists(targets.owner(), "helm", chart, version),
                        "Helm " + chart + " " + version + ": listed by Gitea", "Helm " + chart + " " + version + ": not found on Gitea"));
            }
            if (helm.path("oci").isObject()) {
                tag(helm.path("oci"), version, report);
            }
        }
        return report;
    }

    private void images(JsonNode manifest, VerifyReport report) {
        for (JsonNode module : manifest.path("modules")) {
            JsonNode image = module.path("image");
            if (!image.path("registry").isTextual()) {
                if (image.isObject() && targets.registryUrl().isPresent()) {
                    report.problem(module.path("name").asText() + " image: not pushed (the manifest names no registry)");
                }
                continue;
            }
            for (JsonNode tag : image.path("tags")) {
                tag(image, tag.asText(), report);
            }
        }
    }

    /** One tag of a pushed repository ({registry, repository, digest}) resolves to the recorded digest. */
    private void tag(JsonNode pushed, String tag, VerifyReport report) {
        String registry = pushed.path("registry").asText();
        String reference = pushed.path("repository").asText();
        String path = reference.substring(reference.indexOf('/') + 1);
        String expected = pushed.path("digest").asText();
        String what = reference + ":" + tag;
        attempt(report, what, () -> {
            RegistryCredentials credentials = targets.registryUrl().map(u -> u.equals(registry)).orElse(false)
                    ? targets.registryCredentials() : null;
            Optional<String> digest = new OciPusher(targets.retry()).resolve(registry, path, tag, credentials);
            report.expect(digest.map(expected::equals).orElse(false), what + ": resolves to " + expected,
                    what + ": " + digest.map(d -> "resolves to " + d + ", the manifest says " + expected).orElse("tag not found"));
        });
    }

    private void releaseAssets(GiteaClient gitea, LocalVerification.Release release, VerifyReport report) {
        String tag = release.tag();
        attempt(report, "release " + tag, () -> {
            Optional<GtRelease> found = gitea.findRelease(targets.owner(), targets.gitea().repo(), tag);
            if (found.isEmpty()) {
                report.problem("release " + tag + ": not found on " + targets.gitea().url());
                return;
            }
            report.ok("release " + tag + ": exists (id " + found.get().id() + ")");
            // A draft is what a release whose publishing did not finish looks like, unless drafts were asked for.
            boolean draft = found.get().draft();
            // (A release published earlier stays published with gitea.draft: true: not a problem.)
            report.expect(!draft || targets.gitea().draft(),
                    "release " + tag + ": " + (draft ? "a draft (gitea.draft: true)" : "published"),
                    "release " + tag + ": still a draft: its publishing did not finish");
            Map<String, List<GtAsset>> assets = gitea.listAssets(targets.owner(), targets.gitea().repo(), found.get().id())
                    .stream().collect(Collectors.groupingBy(GtAsset::name));
            for (Path file : expectedAssets(release)) {
                String name = file.getFileName().toString();
                long size = Files.size(file);
                List<GtAsset> same = assets.getOrDefault(name, List.of());
                report.expect(same.size() == 1 && same.get(0).size() == size,
                        "release asset " + name + ": listed once, " + size + " bytes",
                        "release asset " + name + ": " + (same.isEmpty() ? "not listed" : "listed " + same.size() + " time(s), sizes "
                                + same.stream().map(a -> String.valueOf(a.size())).collect(Collectors.joining(", "))));
            }
        });
    }

    /**
     * The assets create-release attaches, from the manifest: manifest, checksums (and their signatures, .asc and
     * .minisig, when there are), CLI archives, chart, SBOMs.
     */
    static List<Path> expectedAssets(LocalVerification.Release release) {
        List<Path> files = new ArrayList<>();
        files.add(release.manifestFile());
        files.add(release.dir().resolve(Checksums.fileName(release.version())));
        release.manifest().path("cli").forEach(c -> files.add(release.dir().resolve(c.path("file").asText())));
        JsonNode helm = release.manifest().path("helm");
        if (helm.path("file").isTextual()) {
            files.add(release.dir().resolve(helm.path("file").asText()));
        }
        files.add(release.dir().resolve(Checksums.fileName(release.version()) + ".asc"));
        files.add(release.dir().resolve(Checksums.fileName(release.version()) + ".minisig"));
        LocalVerification.sboms(release.manifest()).forEach(s -> files.add(release.dir().resolve(s.path("file").asText())));
        return files.stream().filter(Files::isRegularFile).toList();
    }

    @FunctionalInterface
    private interface Check {
        void run() throws Exception;
    }

    /** Runs a check; a failure to ask (connection, HTTP error, missing credential) is a problem of that check. */
    private static void attempt(VerifyReport report, String what, Check check) {
        try {
            check.run();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            report.problem(what + ": could not check: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        }
    }
}
