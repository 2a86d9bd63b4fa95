package io.stellarelease.state;

/**
 * What someone asked to roll back: {@code target} {@code module} (with {@code module}) or {@code suite};
 * {@code mode} {@code containers} (default), {@code helm} (suites only, by {@code revision}) or {@code database} (suites
 * only: services stopped, databases restored and checked, images back, services started); {@code version}
 * to roll back to, or null for the release before the current one in the release history.
 */
public record RollbackRequest(String target, String module, String version, String mode, Integer revision,
                              boolean dryRun) { }
