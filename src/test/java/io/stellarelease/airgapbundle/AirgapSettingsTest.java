package io.stellarelease.airgapbundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stellarelease.config.AirgapSettings;
import io.stellarelease.config.ConfigException;
import io.stellarelease.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The airgap section of release.yaml: the shipped defaults, what start-up refuses, and a missing registry binary. */
class AirgapSettingsTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;

    @Test
    void theShippedConfigurationBuildsAnUncompressedBundleTestedInAScratchRegistry() {
        AirgapSettings s = AirgapSettings.of(ConfigLoader.load(Path.of("config/release.yaml")));
        assertThat(s.enabled()).isTrue();
        assertThat(s.compression()).isEqualTo(AirgapSettings.Compression.NONE);
        assertThat(s.testRegistry()).isEmpty();
        assertThat(s.dockerRegistryCommand()).containsExactly("docker-registry", "serve", "${CONFIG}");
    }

    @Test
    void withoutTheSectionThereIsNoBundle() {
        assertThat(AirgapSettings.of(ConfigLoader.load(config(c -> c.remove("airgap")))).enabled()).isFalse();
    }

    @Test
    void brokenValuesStopStartUpNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> ConfigLoader.load(config(c -> airgap(c).put("compression", "xz"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("airgap.compression must be none, gzip or zstd: got xz");
        assertThatThrownBy(() -> ConfigLoader.load(config(c -> airgap(c).put("testRegistry", "ftp://registry"))))
                .hasMessageContaining("airgap.testRegistry must be a registry's base URL").hasMessageContaining("ftp://registry");
        assertThatThrownBy(() -> ConfigLoader.load(config(c -> airgap(c).putArray("dockerRegistryCommand")
                .add("docker-registry").add("serve").add("${HOME}/config.yml"))))
                .hasMessageContaining("airgap.dockerRegistryCommand: unknown value ${HOME}");
        assertThatThrownBy(() -> ConfigLoader.load(config(c -> airgap(c).putArray("dockerRegistryCommand").add("docker-registry"))))
                .hasMessageContaining("must pass the registry its configuration as ${CONFIG}");
    }

    @Test
    void noRegistryBinaryIsAClearFailure() {
        assertThatThrownBy(() -> ScratchRegistry.start(List.of("no-such-docker-registry", "serve", "${CONFIG}"),
                tmp.resolve("registry.log"), List.of("_TOKEN")))
                .isInstanceOf(AirgapException.class)
                .hasMessageContaining("no-such-docker-registry is not on PATH")
                .hasMessageContaining("airgap.testRegistry").hasMessageContaining("airgap.enabled: false");
    }

    private static ObjectNode airgap(ObjectNode config) {
        return (ObjectNode) config.get("airgap");
    }

    private Path config(Consumer<ObjectNode> edit) {
        try {
            ObjectNode c = (ObjectNode) YAML.readTree(Path.of("config/release.yaml").toFile());
            edit.accept(c);
            Path file = tmp.resolve("release-" + System.nanoTime() + ".yaml");
            YAML.writeValue(file.toFile(), c);
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
