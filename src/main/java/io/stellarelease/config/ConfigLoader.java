package io.stellarelease.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code release.yaml} once and checks it, so that a broken configuration fails at start-up, not mid-release. */
public final class ConfigLoader {

    private static final Pattern SUITE_VERSION = Pattern.compile("\\d{4}\\.\\d{2}");
    private static final Pattern MODULE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    private ConfigLoader() {
    }

    public static ReleaseConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file + ": release configuration not found");
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .registerModule(new JavaTimeModule());
        ReleaseConfig config;
        try {
            config = yaml.readValue(file.toFile(), ReleaseConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(file + ": unknown key '" + e.getPropertyName() + "' at " + e.getPathReference()
                    .replace("io.stellarelease.config.", ""), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(file + ": " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": " + e.getMessage(), e);
        }
        config = withPublishDefaults(config);
        check(file, config);
        PublishChecks.check(file, config);
        io.stellarelease.config.AirgapSettings.check(file, config.airgap());
        checkSigningAndHotfix(file, config);
        DatabaseChecks.check(file, config);
        AnnounceChecks.check(file, config);
        WatchChecks.check(file, config);
        return config;
    }

    private static void check(Path file, ReleaseConfig c) {
        require(file, c.workspace() != null, "workspace is required");
        require(file, c.output() != null, "output is required");
        require(file, c.parallelism() >= 0, "parallelism must be 0 (CPUs) or more: got " + c.parallelism());
        require(file, c.rules() != null && c.rules().suiteMonths() != null && !c.rules().suiteMonths().isEmpty(),
                "rules.suiteMonths must list at least one month");
        for (String month : c.rules().suiteMonths()) {
            require(file, month.matches("0[1-9]|1[0-2]"), "rules.suiteMonths: month must be 01..12: got " + month);
        }
        require(file, c.codenames() != null, "codenames is required");
        Set<String> seen = new HashSet<>();
        c.codenames().forEach((version, name) -> {
            require(file, SUITE_VERSION.matcher(version).matches(), "codenames: version must be YYYY.MM: got " + version);
            require(file, name.matches("[A-Za-z]+"), "codenames: codename must be a single word: got " + name);
            require(file, seen.add(name.toLowerCase()), "codenames: codename is never reused: " + name);
        });
        require(file, c.channels() != null && c.channels().containsKey("edge"), "channels must define edge");
        require(file, c.testGate() != null && c.testGate().suites() != null, "testGate.suites is required");
        c.testGate().suites().forEach(s -> requireCommand(file, "testGate.suites." + s.name(), s.command()));
        require(file, c.modules() != null && c.modules().items() != null && !c.modules().items().isEmpty(),
                "modules.items must list at least one module");
        Set<String> names = new HashSet<>();
        for (ReleaseConfig.Module m : c.modules().items()) {
            require(file, m.name() != null && MODULE_NAME.matcher(m.name()).matches(),
                    "modules.items: module name must be a word of letters and digits: got " + m.name());
            require(file, names.add(m.lowerName()), "modules.items: duplicate module " + m.name());
            require(file, m.path() != null, "modules.items." + m.name() + ": path is required");
            requireCommand(file, "modules.items." + m.name(), m.command() != null ? m.command() : c.modules().command());
        }
        require(file, c.cli() != null && c.cli().runtimes() != null && !c.cli().runtimes().isEmpty(),
                "cli.runtimes must list at least one runtime");
        requireCommand(file, "cli", c.cli().command());
        require(file, c.containers() != null && c.containers().repository() != null, "containers.repository is required");
        require(file, c.helm() != null && c.helm().chart() != null, "helm.chart is required");
        require(file, c.gitea() != null && c.gitea().url() != null, "gitea.url is required");
        require(file, c.checkout() != null, "checkout is required");
        requireCommand(file, "checkout", c.checkout().command());
        require(file, c.checkout().timeout() != null, "checkout.timeout is required");
        if (c.rollback() != null) {
            require(file, c.rollback().timeout() != null, "rollback.timeout is required");
            for (var command : java.util.Map.of("rollback.containers", java.util.Optional.ofNullable(c.rollback().containers()),
                    "rollback.helm", java.util.Optional.ofNullable(c.rollback().helm())).entrySet()) {
                if (command.getValue().isEmpty()) {
                    continue;
                }
                requireCommand(file, command.getKey(), command.getValue().get());
                for (String arg : command.getValue().get()) {
                    var m = java.util.regex.Pattern.compile("\\$\\{([^}]*)}").matcher(arg);
                    while (m.find()) {
                        require(file, ROLLBACK_VALUES.contains(m.group(1)), command.getKey() + ": unknown value ${" + m.group(1)
                                + "}: one of " + String.join(", ", ROLLBACK_VALUES));
                    }
                }
            }
        }
    }

    /** The values a rollback command may name. */
    public static final List<String> ROLLBACK_VALUES = List.of("MODULE", "MODULE_LOWER", "IMAGE", "VERSION", "REVISION");

    /** A missing publish section publishes nothing; missing parts of it take the defaults of RELEASE_RULES.md. */
    private static ReleaseConfig withPublishDefaults(ReleaseConfig c) {
        ReleaseConfig.Publish p = c.publish();
        ReleaseConfig.Publish filled = p == null
                ? new ReleaseConfig.Publish(new ReleaseConfig.Release(false, "replace"), null, null,
                        new ReleaseConfig.HelmTargets(false, null), PublishChecks.DEFAULT_RETRY)
                : new ReleaseConfig.Publish(
                        p.release() == null ? new ReleaseConfig.Release(true, "replace")
                                : new ReleaseConfig.Release(p.release().enabled(),
                                        p.release().onDifferentAsset() == null ? "replace" : p.release().onDifferentAsset()),
                        p.nuget(), p.registry(),
                        p.helm() == null ? new ReleaseConfig.HelmTargets(true, null) : p.helm(),
                        p.retry() == null ? PublishChecks.DEFAULT_RETRY : p.retry());
        return new ReleaseConfig(c.workspace(), c.output(), c.parallelism(), c.rules(), c.codenames(), c.channels(),
                c.testGate(), c.modules(), c.containers(), c.cli(), c.helm(), c.gitea(), filled, c.checkout(), c.rollback(),
                c.airgap(), c.signing(), withHotfixDefaults(c.hotfix()), c.database(), c.announce(), c.watch());
    }

    /** Parts of the hotfix section left out take the defaults (hotfix/{version}, main, list). */
    private static ReleaseConfig.Hotfix withHotfixDefaults(ReleaseConfig.Hotfix h) {
        ReleaseConfig.Hotfix d = ReleaseConfig.Hotfix.DEFAULT;
        return h == null ? d : new ReleaseConfig.Hotfix(h.branch() == null ? d.branch() : h.branch(),
                h.mainBranch() == null ? d.mainBranch() : h.mainBranch(), h.cherryPick() == null ? d.cherryPick() : h.cherryPick());
    }

    private static void checkSigningAndHotfix(Path file, ReleaseConfig c) {
        if (c.signing() != null) {
            if (c.signing().key() != null) {
                PublishChecks.requireSecret(file, "signing.key", c.signing().key());
            }
            if (c.signing().passphrase() != null) {
                require(file, c.signing().key() != null, "signing.passphrase is set but signing.key is not");
                PublishChecks.requireSecret(file, "signing.passphrase", c.signing().passphrase());
            }
            ReleaseConfig.Minisign m = c.signing().minisign();
            if (m != null) {
                if (m.key() != null) {
                    PublishChecks.requireSecret(file, "signing.minisign.key", m.key());
                }
                if (m.passphrase() != null) {
                    require(file, m.key() != null, "signing.minisign.passphrase is set but signing.minisign.key is not");
                    PublishChecks.requireSecret(file, "signing.minisign.passphrase", m.passphrase());
                }
            }
        }
        ReleaseConfig.Hotfix h = c.hotfix();
        require(file, h.branch().contains("{version}") && h.branch().matches("[A-Za-z0-9._/{}-]+") && !h.branch().startsWith("-"),
                "hotfix.branch must name the branch with {version} (letters, digits, . _ / -): got " + h.branch());
        require(file, h.mainBranch().matches("[A-Za-z0-9._/-]+") && !h.mainBranch().startsWith("-"),
                "hotfix.mainBranch must be a branch name: got " + h.mainBranch());
        require(file, List.of("list", "apply").contains(h.cherryPick()), "hotfix.cherryPick must be list or apply: got " + h.cherryPick());
    }

    static void requireCommand(Path file, String where, List<String> command) {
        require(file, command != null && !command.isEmpty() && command.stream().noneMatch(a -> a == null || a.isEmpty()),
                where + ": command must be a non-empty list of arguments");
    }

    static void require(Path file, boolean ok, String message) {
        if (!ok) {
            throw new ConfigException(file + ": " + message);
        }
    }
}
