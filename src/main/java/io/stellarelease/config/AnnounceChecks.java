package io.stellarelease.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static io.stellarelease.config.ConfigLoader.require;

/** Checks of the {@code announce} section. The template's values are checked when it is rendered (a dry run shows it). */
final class AnnounceChecks {
    private AnnounceChecks() {
    }

    static void check(Path file, ReleaseConfig c) {
        ReleaseConfig.Announce a = c.announce();
        if (a == null) {
            return;
        }
        require(file, a.template() != null && !a.template().isBlank(), "announce.template is required (a file, e.g. config/announcement.md)");
        require(file, java.nio.file.Files.isRegularFile(Path.of(a.template())), "announce.template: no file " + a.template()
                + " (relative paths are resolved against the current directory)");
        require(file, !a.webhooks().isEmpty() || a.email() != null, "announce needs at least one webhook or email");
        require(file, a.timeout() == null || !a.timeout().isNegative() && !a.timeout().isZero(), "announce.timeout must be positive");
        Set<String> names = new HashSet<>();
        for (ReleaseConfig.ChatHook hook : a.webhooks()) {
            require(file, hook.name() != null && hook.name().matches("[a-z0-9][a-z0-9-]*"),
                    "announce.webhooks: name must be lower-case letters, digits and '-': got " + hook.name());
            require(file, names.add(hook.name()), "announce.webhooks: duplicate webhook " + hook.name());
            require(file, hook.url() != null && (hook.url().env() != null) != (hook.url().file() != null),
                    "announce.webhooks." + hook.name() + ": url is a secret: { env: NAME } or { file: PATH }, never the URL itself");
            require(file, hook.formatOrDefault().equals("text") || hook.formatOrDefault().equals("matrix"),
                    "announce.webhooks." + hook.name() + ": format must be text or matrix: got " + hook.format());
            require(file, hook.formatOrDefault().equals("matrix") == (hook.token() != null),
                    "announce.webhooks." + hook.name() + ": a token ({ env } or { file }) is for, and required by, format matrix");
        }
        ReleaseConfig.Email mail = a.email();
        if (mail != null) {
            require(file, mail.host() != null && !mail.host().isBlank(), "announce.email.host is required");
            require(file, mail.port() == null || mail.port() > 0 && mail.port() < 65536, "announce.email.port must be 1..65535: got " + mail.port());
            require(file, Set.of("none", "starttls", "ssl").contains(mail.securityOrDefault()),
                    "announce.email.security must be none, starttls or ssl: got " + mail.security());
            require(file, mail.from() != null && mail.from().contains("@"), "announce.email.from must be an address: got " + mail.from());
            require(file, mail.to() != null && !mail.to().isEmpty() && mail.to().stream().allMatch(t -> t != null && t.contains("@")),
                    "announce.email.to must list at least one address");
            require(file, (mail.username() == null) == (mail.password() == null),
                    "announce.email: username and password go together (or neither, for a relay without login)");
        }
    }
}
