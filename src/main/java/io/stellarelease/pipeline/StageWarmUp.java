package io.stellarelease.pipeline;

/**
 * A stage's bean whose first use pays a one-time cost: a schema to compile, a library's classes to load and
 * initialise. When a run's plan holds the stage, {@link ReleaseRunner} has the bean pay it on a background thread
 * while the earlier stages run: free while they wait on their commands, the same work as before when they do not.
 */
public interface StageWarmUp {
    /** The stage (its route's name) this bean serves: warmed up only for a run whose plan holds it. */
    String stage();

    /**
     * The one-time preparation, safe to run beside the stage itself and quick once done. A failure here is not the
     * stage's: the stage meets it again when it runs and reports it there.
     */
    void warmUp() throws Exception;
}
