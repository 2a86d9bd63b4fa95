package io.stellarelease.targets;

import io.stellarelease.clients.HostCircuit;
import io.stellarelease.state.ReleaseRun;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * A stage's {@link HostCircuit} per run: made afresh by the stage's plan step (so every run of the stage, a retry
 * too, starts trusting its hosts), shared by the stage's parallel push steps. Weak keys: a finished run's goes with it.
 */
public final class RunCircuits {

    private final Map<ReleaseRun, HostCircuit> circuits = Collections.synchronizedMap(new WeakHashMap<>());

    public HostCircuit fresh(ReleaseRun run) {
        HostCircuit circuit = new HostCircuit();
        circuits.put(run, circuit);
        return circuit;
    }

    public HostCircuit of(ReleaseRun run) {
        return circuits.computeIfAbsent(run, r -> new HostCircuit());
    }
}
