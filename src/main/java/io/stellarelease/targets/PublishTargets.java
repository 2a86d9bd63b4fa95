package io.stellarelease.targets;

import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.clients.AssetPolicy;
import io.stellarelease.clients.GiteaClient;
import io.stellarelease.clients.NuGetFeed;
import io.stellarelease.clients.RegistryCredentials;
import io.stellarelease.clients.RetryPolicy;
import io.stellarelease.clients.Secret;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The publishing part of release.yaml turned into clients: where each target is, its credentials (resolved only
 * when a request is about to be sent, so a dry run needs none) and the retry policy every client shares.
 */
public class PublishTargets {

    /** Stands in for credentials in a dry run: its clients send nothing, so nothing real is needed. */
    private static final Secret NONE = Secret.of("dry-run");

    private final ReleaseConfig config;

    public PublishTargets(ReleaseConfig config) {
        this.config = config;
    }

    public ReleaseConfig config() {
        return config;
    }

    public ReleaseConfig.Gitea gitea() {
        return config.gitea();
    }

    public String owner() {
        return config.gitea().owner();
    }

    public RetryPolicy retry() {
        ReleaseConfig.Retry r = config.publish().retry();
        return new RetryPolicy(r.attempts(), r.initialBackoff(), r.maxBackoff(), r.maxTotal(), null, null);
    }

    public boolean releaseEnabled() {
        return config.publish().release().on();
    }

    public AssetPolicy assetPolicy() {
        return AssetPolicy.valueOf(config.publish().release().onDifferentAsset().toUpperCase(Locale.ROOT));
    }

    /** A Gitea client; a dry-run one sends no write request and needs no token. */
    public GiteaClient giteaClient(boolean dryRun) {
        return new GiteaClient(URI.create(config.gitea().url()), dryRun ? NONE : giteaToken(), retry(), dryRun);
    }

    /**
     * The client that writes a run's Gitea requests into release-plan.json: it sends no write request; in a real run
     * it does not log them as a dry run, because the run then sends them.
     */
    public GiteaClient giteaPlanner(io.stellarelease.state.ReleaseRun run) {
        GiteaClient client = giteaClient(true);
        return run.getRequest().dryRun() ? client : client.planOnly();
    }

    public Secret giteaToken() {
        return resolve("gitea.token", config.gitea().token());
    }

    public Optional<URI> nugetPushUrl() {
        ReleaseConfig.NuGet n = config.publish().nuget();
        return n == null || n.pushUrl() == null ? Optional.empty() : Optional.of(URI.create(expand(n.pushUrl())));
    }

    public NuGetFeed nugetFeed() {
        return nugetFeed(null);
    }

    /** The feed, its requests sharing {@code circuit} (null: none) with the stage's other pushes. */
    public NuGetFeed nugetFeed(io.stellarelease.clients.HostCircuit circuit) {
        ReleaseConfig.NuGet n = config.publish().nuget();
        Secret key = n.apiKey() != null ? resolve("publish.nuget.apiKey", n.apiKey()) : giteaToken();
        return new NuGetFeed(nugetPushUrl().orElseThrow(), key, retry(), circuit);
    }

    /** Whether the NuGet feed is Gitea's own, whose package API can be asked whether a version exists. */
    public boolean nugetOnGitea() {
        return nugetPushUrl().map(u -> u.getHost().equals(URI.create(config.gitea().url()).getHost())
                && u.getRawPath().contains("/api/packages/")).orElse(false);
    }

    public Optional<String> registryUrl() {
        ReleaseConfig.Registry r = config.publish().registry();
        return r == null || r.url() == null ? Optional.empty() : Optional.of(r.url().replaceAll("/+$", ""));
    }

    /** The repository path of a module's image in the registry, e.g. {@code stella-ops.org/authority}. */
    public String imageRepository(String module) {
        return expand(config.publish().registry().repository()).replace("{module}", module.toLowerCase(Locale.ROOT));
    }

    /** The chart's repository path when it is pushed as an OCI artifact, e.g. {@code stella-ops.org/charts/stellaops}. */
    public Optional<String> chartRepository(String chart) {
        String oci = config.publish().helm().oci();
        return oci == null ? Optional.empty() : Optional.of(expand(oci).replaceAll("/+$", "") + "/" + chart);
    }

    public boolean helmToGitea() {
        return config.publish().helm().toGitea();
    }

    /** The registry credentials, or null for anonymous access. */
    public RegistryCredentials registryCredentials() {
        ReleaseConfig.Registry r = config.publish().registry();
        if (r == null || r.username() == null) {
            return null;
        }
        Secret password = r.password() != null ? resolve("publish.registry.password", r.password()) : giteaToken();
        return new RegistryCredentials(r.username(), password);
    }

    /** {@code host[:port]/path}: how docker, skopeo and the manifest name a pushed repository. */
    public static String reference(String registryUrl, String repository) {
        return URI.create(registryUrl).getRawAuthority() + "/" + repository;
    }

    private String expand(String template) {
        return template.replace("{gitea}", config.gitea().url().replaceAll("/+$", "")).replace("{owner}", config.gitea().owner());
    }

    /** The secret named by a reference; the error names the key and the source, never a value. */
    private static Secret resolve(String key, ReleaseConfig.SecretRef ref) {
        if (ref == null) {
            throw new IllegalStateException(key + " is not configured: set it to { env: NAME } or { file: PATH } in release.yaml");
        }
        try {
            return ref.env() != null ? Secret.fromEnv(ref.env()) : Secret.fromFile(Path.of(ref.file()));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(key + ": " + e.getMessage(), e);
        }
    }
}
