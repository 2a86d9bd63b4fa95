package io.stellarelease.pipeline;

import io.stellarelease.state.ReleaseRun;
import org.apache.camel.Exchange;

/**
 * The run's values as plain exchange properties, for routes written in YAML: {@code ${exchangeProperty.version}}
 * rather than a walk through the run object. Set when the pipeline starts and again as each stage starts, so the
 * values validation finds (version, release directory, channel) are there for every stage after it.
 * README "Run values" lists them.
 */
public final class RunValues {
    private RunValues() {
    }

    public static void set(Exchange exchange, ReleaseRun run) {
        exchange.setProperty("runId", run.getId());
        exchange.setProperty("tag", run.getRequest().tag());
        exchange.setProperty("dryRun", run.getRequest().dryRun());
        exchange.setProperty("kind", run.getKind());
        if (!run.isValidated()) {
            return;
        }
        exchange.setProperty("version", run.version());
        exchange.setProperty("releaseTag", run.releaseTag());
        exchange.setProperty("releaseName", run.releaseName());
        exchange.setProperty("releaseDir", run.releaseDir().toString());
        if (run.getSuite() != null) {
            exchange.setProperty("channel", run.getSuite().channel());
            exchange.setProperty("codename", run.getSuite().codename());
        }
        if (run.getModule() != null) {
            exchange.setProperty("module", run.getModule().module());
        }
    }
}
