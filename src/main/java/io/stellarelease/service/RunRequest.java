package io.stellarelease.service;

/**
 * A release someone asked for, before it is a run: from a webhook (tag pushed), a dispatch message or
 * the HTTP dispatch API. The tag has passed the release rules; {@code version} is its release version.
 */
public record RunRequest(String kind, String tag, String version, String source, String delivery, String cloneUrl,
                         String commit, boolean dryRun, boolean skipTests, boolean rerunAllowed) { }
