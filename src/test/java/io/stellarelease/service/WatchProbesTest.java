package io.stellarelease.service;

import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.watch.WatchProbes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One round of the watch's checks against a real Prometheus and a health URL: what counts as a breach (a value past
 * max or below min, a health URL answering 503 or not at all) and what does not (no data, a query Prometheus refuses,
 * a Prometheus that is down: monitoring trouble, said in the check's detail).
 */
class WatchProbesTest {
    private static WatchRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = new WatchRig(Files.createTempDirectory("stella-watch-probes-"));
    }

    @AfterAll
    static void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private static List<WatchProbes.Outcome> round(String prometheus, List<ReleaseConfig.HealthCheck> health, ReleaseConfig.PromQuery... queries) {
        return new WatchProbes(new ReleaseConfig.Watch(true, Duration.ofMinutes(1), Duration.ofSeconds(3), health,
                new ReleaseConfig.Prometheus(prometheus, null, List.of(queries)), true, null)).round();
    }

    @Test
    void thresholdsDecideAndMonitoringTroubleIsNotABreach() throws Exception {
        rig.setGauge("0.2");
        List<WatchProbes.Outcome> r = round(rig.prometheusUrl(), List.of(new ReleaseConfig.HealthCheck("gateway", rig.healthUrl(), List.of())),
                new ReleaseConfig.PromQuery("within", "max(stella_test_error_ratio)", 0.5, 0.1),
                new ReleaseConfig.PromQuery("over-max", "stella_test_error_ratio", 0.05, null),
                new ReleaseConfig.PromQuery("under-min", "scalar(max(stella_test_error_ratio))", null, 0.3),
                new ReleaseConfig.PromQuery("no-data", "stella_no_such_metric", 0.0, null),
                new ReleaseConfig.PromQuery("refused", "sum(", 1.0, null));
        assertThat(r).extracting(o -> o.result().check() + " " + o.breached()).containsExactly("gateway false", "within false",
                "over-max true", "under-min true", "no-data false", "refused false");
        assertThat(r.get(0).result().value()).isEqualTo("200");
        assertThat(r.get(1).result().detail()).isEqualTo("max(stella_test_error_ratio) = 0.2, within min 0.1, max 0.5");
        assertThat(r.get(2).threshold()).isEqualTo("max 0.05");
        assertThat(r.get(2).result().value()).isEqualTo("0.2");
        assertThat(r.get(3).result().detail()).isEqualTo("scalar(max(stella_test_error_ratio)) = 0.2, past min 0.3");
        assertThat(r.get(4).result().detail()).startsWith("no data");
        assertThat(r.get(5).result().detail()).startsWith("not checked: Prometheus answered HTTP 400: ").contains("parse error");

        rig.healthStatus.set(503);
        try {
            WatchProbes.Outcome down = round(rig.prometheusUrl(), List.of(new ReleaseConfig.HealthCheck("gateway", rig.healthUrl(), List.of()))).get(0);
            assertThat(down.breached()).isTrue();
            assertThat(down.result().value()).isEqualTo("503");
            assertThat(down.threshold()).isEqualTo("status 2xx");
            // 503 expected (a maintenance page, say): not a breach.
            assertThat(round(rig.prometheusUrl(), List.of(new ReleaseConfig.HealthCheck("gateway", rig.healthUrl(), List.of(200, 503))))
                    .get(0).breached()).isFalse();
        } finally {
            rig.healthStatus.set(200);
        }

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        List<WatchProbes.Outcome> nothing = round("http://127.0.0.1:" + closed, List.of(
                new ReleaseConfig.HealthCheck("gone", "http://127.0.0.1:" + closed + "/health", List.of())),
                new ReleaseConfig.PromQuery("q", "up", 1.0, null));
        assertThat(nothing.get(0).breached()).as("a health URL that does not answer: the service is down").isTrue();
        assertThat(nothing.get(0).result().value()).isEqualTo("no answer");
        assertThat(nothing.get(1).breached()).as("a Prometheus that does not answer: monitoring is down").isFalse();
        assertThat(nothing.get(1).result().detail()).isEqualTo("not checked: Prometheus did not answer: ConnectException");
        rig.setGauge("0");
    }
}
