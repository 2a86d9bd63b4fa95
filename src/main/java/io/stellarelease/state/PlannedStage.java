package io.stellarelease.state;

import java.util.Set;

/**
 * A stage as the run's pipeline lists it: what it produces (artifact kinds such as {@code modules} or
 * {@code chart}, declared in its route's note) and its route file, for messages. Stages find each other's
 * results by kind, never by stage name, so a stage can be renamed or replaced in YAML alone.
 */
public record PlannedStage(String name, String stepId, Set<String> produces, String routeFile, boolean conditional) {
    public PlannedStage {
        produces = Set.copyOf(produces);
    }
}
