package io.stellarelease.clients;

import java.util.List;

/** Assets already on the release with a different size, under {@link AssetPolicy#FAIL}. */
public class AssetConflictException extends RuntimeException {

    private final List<String> conflicts;

    public AssetConflictException(String tag, List<String> conflicts) {
        super("release " + tag + ": " + conflicts.size() + " asset(s) already published with a different size: "
                + String.join("; ", conflicts));
        this.conflicts = List.copyOf(conflicts);
    }

    public List<String> conflicts() {
        return conflicts;
    }
}
