package io.stellarelease.clients;

/**
 * What a package push did. A duplicate (409) is a result, not an error: a re-run of a release that already pushed
 * the package must go on (NuGet's {@code --skip-duplicate}).
 */
public record GtPackageResult(Outcome outcome, String file) {

    public enum Outcome { PUBLISHED, DUPLICATE, PLANNED }
}
