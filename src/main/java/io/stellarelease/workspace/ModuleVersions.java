package io.stellarelease.workspace;

import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.rules.SemVer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A module's version: its {@code version.txt} when it has one (it must be SemVer), else the suite version. */
public class ModuleVersions {
    public static final String FILE = "version.txt";
    public static boolean isSemVer(String version) {
        return SemVer.isValid(version);
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
