package io.stellarelease.state;

import java.nio.file.Path;

/** What was asked for: a tag, where its sources are, where the release goes, and how. */
public record ReleaseRequest(String tag, Path workspace, Path outputRoot, boolean dryRun, boolean skipTests) { }
