package io.stellarelease.pipeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs, stages and commands are timed on the exported registry (serve); where there is none, nowhere. */
class ReleaseMetricsTest {

    @Test
    void withAnExportedRegistryRunsStagesAndCommandsAreRecordedThere() {
        SimpleMeterRegistry exported = new SimpleMeterRegistry();
        ReleaseMetrics metrics = new ReleaseMetrics(() -> exported);

        metrics.runStarted("suite");
        metrics.stageFinished("build-modules", "done", Duration.ofMillis(120));
        metrics.execFinished("build-modules", "done", Duration.ofMillis(40));
        metrics.runFinished("suite", "succeeded");

        assertThat(metrics.registry()).isSameAs(exported);
        assertThat(exported.get("stella.runs.started").tag("kind", "suite").counter().count()).isEqualTo(1);
        assertThat(exported.get("stella.stage.duration").tag("stage", "build-modules").timer().count()).isEqualTo(1);
        assertThat(exported.get("stella.exec.duration").tag("stage", "build-modules").timer().totalTime(
                java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(40);
        assertThat(exported.get("stella.runs.finished").tag("outcome", "succeeded").counter().count()).isEqualTo(1);
    }

    @Test
    void withoutOneNothingIsTimedAndOtherMetersGoToAPrivateRegistry() {
        ReleaseMetrics metrics = new ReleaseMetrics(() -> null);

        metrics.runStarted("suite");
        metrics.stageFinished("build-modules", "done", Duration.ofMillis(120));
        metrics.execFinished("build-modules", "done", Duration.ofMillis(40));
        metrics.leaseEvent("claimed", "a");

        assertThat(metrics.registry()).isInstanceOf(SimpleMeterRegistry.class);
        assertThat(metrics.registry().find("stella.runs.started").meters()).isEmpty();
        assertThat(metrics.registry().find("stella.stage.duration").meters()).isEmpty();
        assertThat(metrics.registry().find("stella.exec.duration").meters()).isEmpty();
        assertThat(metrics.registry().get("stella.run.claims").tag("event", "claimed").counter().count()).isEqualTo(1);
    }
}
