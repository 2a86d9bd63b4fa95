package io.stellarelease.state;

import java.nio.file.Path;

/**
 * What was asked for: a tag, where its sources are, where the release goes, and how. {@code skipNuget} and
 * {@code skipContainer} are a module dispatch message's {@code publishNuget: false} / {@code publishContainer: false}.
 */
public record ReleaseRequest(String tag, Path workspace, Path outputRoot, boolean dryRun, boolean skipTests,
                             boolean skipNuget, boolean skipContainer) {

    public ReleaseRequest(String tag, Path workspace, Path outputRoot, boolean dryRun, boolean skipTests) {
        this(tag, workspace, outputRoot, dryRun, skipTests, false, false);
    }
}
