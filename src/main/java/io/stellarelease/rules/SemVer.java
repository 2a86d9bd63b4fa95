package io.stellarelease.rules;

import java.util.regex.Pattern;

/** SemVer 2.0.0 versions ({@code MAJOR.MINOR.PATCH[-prerelease][+build]}), as module versions must be. */
public final class SemVer {
    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)"
                    + "(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?");

    private SemVer() {
    }

    public static boolean isValid(String version) {
        return version != null && SEMVER.matcher(version).matches();
    }
}
