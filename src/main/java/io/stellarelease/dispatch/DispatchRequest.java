package io.stellarelease.dispatch;

/**
 * A release asked for by message rather than by tag push: the "Run workflow" form of the suite release
 * or of the module publish, as {@link DispatchMessages} reads it from a queue or a request body.
 */
public sealed interface DispatchRequest permits SuiteDispatch, ModuleDispatch, RollbackDispatch {

    /** {@code suite}, {@code module} or {@code rollback}, the value of the message's {@code kind} field. */
    String kind();

    /** The release tag that asks for the same release. */
    String tag();

    boolean dryRun();
}
