package io.stellarelease.rollback;

/**
 * What someone asked to roll back: {@code target} {@code module} (with {@code module}) or {@code suite};
 * {@code mode} {@code containers} (default) or {@code helm} (suites only, by {@code revision}); {@code version}
 * to roll back to, or null for the release before the current one in the release history.
 */
public record RollbackRequest(String target, String module, String version, String mode, Integer revision,
                              boolean dryRun) { }
