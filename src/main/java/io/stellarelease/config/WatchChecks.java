package io.stellarelease.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static io.stellarelease.config.ConfigLoader.require;

/** Checks of the {@code watch} section (the post-release watch), so a broken check fails start-up, not the watch. */
final class WatchChecks {
    private WatchChecks() {
    }

    static void check(Path file, ReleaseConfig c) {
        ReleaseConfig.Watch w = c.watch();
        if (w == null) {
            return;
        }
        require(file, w.window() == null || !w.window().isNegative() && !w.window().isZero(), "watch.window must be positive (e.g. PT48H)");
        require(file, w.timeout() == null || !w.timeout().isNegative() && !w.timeout().isZero(), "watch.timeout must be positive (e.g. PT10S)");
        Set<String> names = new HashSet<>();
        for (ReleaseConfig.HealthCheck h : w.health()) {
            name(file, "watch.health", h.name(), names);
            url(file, "watch.health." + h.name() + ".url", h.url());
            for (Integer code : h.expect()) {
                require(file, code != null && code >= 100 && code <= 599, "watch.health." + h.name() + ".expect: HTTP status codes (100..599): got " + code);
            }
        }
        ReleaseConfig.Prometheus p = w.prometheus();
        if (p != null) {
            url(file, "watch.prometheus.url", p.url());
            require(file, p.token() == null || (p.token().env() != null) != (p.token().file() != null),
                    "watch.prometheus.token is a secret: { env: NAME } or { file: PATH }, never the token itself");
            require(file, !p.queries().isEmpty(), "watch.prometheus.queries must list at least one query");
            for (ReleaseConfig.PromQuery q : p.queries()) {
                name(file, "watch.prometheus.queries", q.name(), names);
                require(file, q.query() != null && !q.query().isBlank(), "watch.prometheus.queries." + q.name() + ": query is required");
                require(file, q.max() != null || q.min() != null, "watch.prometheus.queries." + q.name() + ": a threshold is required (max and/or min)");
                require(file, q.max() == null || q.min() == null || q.min() <= q.max(),
                        "watch.prometheus.queries." + q.name() + ": min must not be above max");
            }
        }
        require(file, !w.on() || !names.isEmpty(), "watch needs at least one check (health or prometheus.queries), or enabled: false");
        if (w.template() != null) {
            require(file, Files.isRegularFile(Path.of(w.template())), "watch.template: no file " + w.template()
                    + " (relative paths are resolved against the current directory)");
        }
    }

    private static void name(Path file, String where, String name, Set<String> names) {
        require(file, name != null && name.matches("[a-z0-9][a-z0-9-]*"), where + ": name must be lower-case letters, digits and '-': got " + name);
        require(file, names.add(name), where + ": duplicate check name " + name + " (health and prometheus checks share names)");
    }

    private static void url(Path file, String where, String url) {
        boolean ok;
        try {
            URI u = URI.create(url);
            ok = ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null && u.getUserInfo() == null;
        } catch (RuntimeException e) {
            ok = false;
        }
        require(file, ok, where + " must be an http(s) URL without credentials: got " + url);
    }
}
