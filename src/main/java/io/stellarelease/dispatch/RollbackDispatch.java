package io.stellarelease.dispatch;

import java.util.Locale;

/**
 * A rollback asked for by message: target {@code module} (with {@code module}) or {@code suite}, mode
 * {@code containers}, {@code helm} (by {@code revision}) or {@code database}, the {@code version} to go back to (null: the release
 * before the current one, from the release history), dry run.
 */
public record RollbackDispatch(String target, String module, String version, String mode, Integer revision,
                               boolean dryRun) implements DispatchRequest {

    public static final String KIND = "rollback";

    @Override
    public String kind() {
        return KIND;
    }

    /** Not a release tag: the rollback's tag needs the release history, so it is resolved when the run is accepted. */
    @Override
    public String tag() {
        return "rollback-" + target + (module == null ? "" : "-" + module.toLowerCase(Locale.ROOT))
                + (version == null ? "" : "-v" + version);
    }

    public io.stellarelease.state.RollbackRequest request() {
        return new io.stellarelease.state.RollbackRequest(target, module, version, mode, revision, dryRun);
    }
}
