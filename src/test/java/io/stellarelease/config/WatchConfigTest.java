package io.stellarelease.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The watch section of release.yaml: the shipped example (off, pointing at this machine) and what start-up refuses. */
class WatchConfigTest {

    @TempDir
    Path tmp;

    private ReleaseConfig load(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode config = (ObjectNode) PublishConfigTest.YAML.readTree(Path.of("config/release.yaml").toFile());
        edit.accept(config);
        Path file = tmp.resolve("release.yaml");
        PublishConfigTest.YAML.writeValue(file.toFile(), config);
        return ConfigLoader.load(file);
    }

    private static ObjectNode watch(ObjectNode c) {
        return (ObjectNode) c.get("watch");
    }

    @Test
    void theShippedWatchIsOffAndPointsAtThisMachine() throws Exception {
        ReleaseConfig.Watch w = load(c -> { }).watch();
        assertThat(w.on()).isFalse();
        assertThat(w.windowOrDefault()).isEqualTo(Duration.ofHours(48));
        assertThat(w.health()).extracting(ReleaseConfig.HealthCheck::url).containsExactly("http://127.0.0.1:8080/observe/health");
        assertThat(w.prometheus().url()).isEqualTo("http://127.0.0.1:9090");
        assertThat(w.prometheus().queries()).extracting(ReleaseConfig.PromQuery::name).containsExactly("failed-runs", "serve-up");
        ReleaseConfig.Watch on = load(c -> watch(c).put("enabled", true).remove("window")).watch();
        assertThat(on.on()).isTrue();
        assertThat(on.windowOrDefault()).isEqualTo(Duration.ofHours(48));
    }

    @Test
    void aBrokenWatchStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> load(c -> watch(c).put("enabled", true).remove(java.util.List.of("health", "prometheus"))))
                .hasMessageContaining("watch needs at least one check");
        assertThatThrownBy(() -> load(c -> ((ObjectNode) watch(c).at("/prometheus/queries/0")).remove("max")))
                .hasMessageContaining("watch.prometheus.queries.failed-runs: a threshold is required (max and/or min)");
        assertThatThrownBy(() -> load(c -> ((ObjectNode) watch(c).at("/health/0")).put("url", "http://user:pw@127.0.0.1/")))
                .hasMessageContaining("watch.health.serve.url must be an http(s) URL without credentials");
        assertThatThrownBy(() -> load(c -> ((ObjectNode) watch(c).at("/prometheus/queries/0")).put("name", "serve")))
                .hasMessageContaining("duplicate check name serve");
        assertThatThrownBy(() -> load(c -> ((ObjectNode) watch(c).get("prometheus")).put("token", "s3cret")))
                .hasMessageContaining("release.yaml");
        assertThatThrownBy(() -> load(c -> watch(c).put("window", "PT0S")))
                .hasMessageContaining("watch.window must be positive");
        assertThatThrownBy(() -> load(c -> watch(c).put("colour", "red")))
                .hasMessageContaining("unknown key 'colour'");
    }
}
