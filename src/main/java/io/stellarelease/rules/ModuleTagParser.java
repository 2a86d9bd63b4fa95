package io.stellarelease.rules;

import io.stellarelease.config.ReleaseConfig;

import java.util.Locale;
import java.util.stream.Collectors;

/** Parses and checks module tags, {@code module-<name>-v<semver>}: a configured module and a SemVer version. */
public final class ModuleTagParser {
    public static final String PREFIX = "module-";

    public record ModuleTag(String tag, String module, String version) {
        /** SemVer with a prerelease part ({@code 1.2.3-rc.1}). */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean isPrerelease() {
            return version.contains("-");
        }
    }

    private final ReleaseConfig config;

    public ModuleTagParser(ReleaseConfig config) {
        this.config = config;
    }

    public static boolean isModuleTag(String tag) {
        return tag != null && tag.startsWith(PREFIX);
    }

    /** The lower-case module name of a tag that passed {@link #parse}. */
    public static String nameInTag(String tag) {
        String rest = tag.substring(PREFIX.length());
        return rest.substring(0, rest.indexOf("-v"));
    }

    public ModuleTag parse(String tag) {
        if (!isModuleTag(tag)) {
            throw new ReleaseRuleException(tag, "module tags start with '" + PREFIX + "': got '" + tag + "'");
        }
        String rest = tag.substring(PREFIX.length());
        int v = rest.indexOf("-v");
        if (v <= 0) {
            throw new ReleaseRuleException(tag, "module tag must be module-<name>-v<version>, e.g. module-authority-v1.2.3");
        }
        String name = rest.substring(0, v);
        String version = rest.substring(v + 2);
        ReleaseConfig.Module module = config.module(name).orElseThrow(() -> new ReleaseRuleException(tag,
                "module must be one of " + config.modules().items().stream().map(ReleaseConfig.Module::lowerName)
                        .collect(Collectors.joining(", ")) + ": got '" + name + "'"));
        if (!name.equals(name.toLowerCase(Locale.ROOT))) {
            throw new ReleaseRuleException(tag, "module names are lower case in tags: expected '" + module.lowerName()
                    + "', got '" + name + "'");
        }
        if (!SemVer.isValid(version)) {
            throw new ReleaseRuleException(tag, "module version must be SemVer (MAJOR.MINOR.PATCH[-prerelease]): got '"
                    + version + "'");
        }
        return new ModuleTag(tag, module.name(), version);
    }
}
