package io.stellarelease.stages;

import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.rules.ReleaseRuleException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** A module's version: its {@code version.txt} when it has one (it must be SemVer), else the suite version. */
public class ModuleVersions {
    public static final String FILE = "version.txt";
    // SemVer 2.0.0, with the prerelease and build parts.
    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)"
                    + "(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

    public static boolean isSemVer(String version) {
        return SEMVER.matcher(version).matches();
    }

    public String versionOf(String subject, Path workspace, ReleaseConfig.Module module, String suiteVersion) {
        Path file = workspace.resolve(module.path()).resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return suiteVersion;
        }
        String version;
        try {
            version = Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!isSemVer(version)) {
            throw new ReleaseRuleException(subject, "module version must be SemVer (MAJOR.MINOR.PATCH[-prerelease]): "
                    + module.path() + "/" + FILE + " holds '" + version + "'");
        }
        return version;
    }
}
