package io.stellarelease.service;

/**
 * A release someone asked for, before it is a run: from a webhook (tag pushed), a dispatch message or
 * the HTTP dispatch API. The tag has passed the release rules; {@code version} is its release version
 * (a module's SemVer for kind {@code module}). {@code skipNuget}/{@code skipContainer} come from a module
 * dispatch message's publish flags.
 */
public record RunRequest(String kind, String tag, String version, String source, String delivery, String cloneUrl,
                         String commit, boolean dryRun, boolean skipTests, boolean rerunAllowed, boolean skipNuget,
                         boolean skipContainer) {

    public RunRequest(String kind, String tag, String version, String source, String delivery, String cloneUrl,
                      String commit, boolean dryRun, boolean skipTests, boolean rerunAllowed) {
        this(kind, tag, version, source, delivery, cloneUrl, commit, dryRun, skipTests, rerunAllowed, false, false);
    }
}
