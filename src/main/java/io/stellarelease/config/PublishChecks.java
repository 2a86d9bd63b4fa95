package io.stellarelease.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;

import static io.stellarelease.config.ConfigLoader.require;

/** Checks of the publishing part of release.yaml: URLs, secret sources, plain http, retry bounds. */
final class PublishChecks {

    static final ReleaseConfig.Retry DEFAULT_RETRY =
            new ReleaseConfig.Retry(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(5));

    private PublishChecks() {
    }

    static void check(java.nio.file.Path file, ReleaseConfig c) {
        ReleaseConfig.Gitea gitea = c.gitea();
        ReleaseConfig.Publish p = c.publish();
        require(file, gitea.owner() != null && gitea.repo() != null, "gitea.owner and gitea.repo are required");
        // A token over plain http is readable on the wire: http is for a Gitea on this machine only.
        requireUrl(file, "gitea.url", gitea.url(), false);
        if (gitea.token() != null) {
            requireSecret(file, "gitea.token", gitea.token());
        }
        require(file, Set.of("replace", "fail").contains(p.release().onDifferentAsset()),
                "publish.release.onDifferentAsset must be replace or fail: got " + p.release().onDifferentAsset());
        if (p.nuget() != null && p.nuget().pushUrl() != null) {
            requireUrl(file, "publish.nuget.pushUrl", expand(p.nuget().pushUrl(), gitea), false);
            if (p.nuget().apiKey() != null) {
                requireSecret(file, "publish.nuget.apiKey", p.nuget().apiKey());
            }
        }
        ReleaseConfig.Registry r = p.registry();
        if (r != null && r.url() != null) {
            requireUrl(file, "publish.registry.url", r.url(), r.plainHttp());
            require(file, r.repository() != null && r.repository().contains("{module}"),
                    "publish.registry.repository must contain {module}: got " + r.repository());
            if (r.password() != null) {
                requireSecret(file, "publish.registry.password", r.password());
            }
        }
        if (p.helm().oci() != null) {
            require(file, r != null && r.url() != null, "publish.helm.oci needs publish.registry.url");
        }
        ReleaseConfig.Retry retry = p.retry();
        require(file, retry.attempts() >= 1, "publish.retry.attempts must be at least 1: got " + retry.attempts());
        require(file, retry.initialBackoff() != null && !retry.initialBackoff().isNegative()
                && retry.maxBackoff() != null && retry.maxBackoff().compareTo(retry.initialBackoff()) >= 0
                && retry.maxTotal() != null && !retry.maxTotal().isNegative(),
                "publish.retry: initialBackoff <= maxBackoff and maxTotal are required durations (e.g. PT1S, PT30S, PT5M)");
    }

    /** {gitea} and {owner} in a URL template. */
    static String expand(String template, ReleaseConfig.Gitea gitea) {
        return template.replace("{gitea}", gitea.url().replaceAll("/+$", "")).replace("{owner}", gitea.owner());
    }

    private static void requireUrl(java.nio.file.Path file, String key, String url, boolean plainHttpAllowed) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file + ": " + key + " is not a URL: " + url);
        }
        require(file, uri.getHost() != null && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())),
                key + " must be an http(s) URL with a host: got " + url);
        if ("http".equals(uri.getScheme())) {
            require(file, loopback(uri.getHost()), key + ": plain http is allowed for a loopback host only: got " + url);
            if (key.startsWith("publish.registry")) {
                require(file, plainHttpAllowed, key + ": plain http needs publish.registry.plainHttp: true");
            }
        }
    }

    static void requireSecret(java.nio.file.Path file, String key, ReleaseConfig.SecretRef ref) {
        require(file, (ref.env() == null) != (ref.file() == null),
                key + ": give exactly one of env (a variable name) or file (a path); the secret itself never goes here");
        if (ref.env() != null) {
            require(file, ref.env().matches("[A-Za-z_][A-Za-z0-9_]*"), key + ".env must be a variable name: got " + ref.env());
        }
    }

    static boolean loopback(String host) {
        if (host.equals("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+\\]?")) {
            return false; // a name: not resolved here, so not trusted as loopback
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
