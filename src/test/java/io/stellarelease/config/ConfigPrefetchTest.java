package io.stellarelease.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A configuration read ahead ({@link ConfigLoader#prefetch}, serve) loads as a plain read would: result or error. */
class ConfigPrefetchTest {

    @TempDir
    Path tmp;

    @Test
    void aPrefetchedFileLoadsAsItReads() {
        Path shipped = Path.of("config/release.yaml");
        ReleaseConfig read = ConfigLoader.load(shipped);
        ConfigLoader.prefetch(shipped);
        assertThat(ConfigLoader.load(shipped)).isEqualTo(read);
    }

    @Test
    void aPrefetchedBrokenFileFailsWithTheSameError() throws Exception {
        Path broken = tmp.resolve("release.yaml");
        Files.writeString(broken, Files.readString(Path.of("config/release.yaml")) + "\nnoSuchKey: 1\n");
        Throwable direct = catchThrowable(() -> ConfigLoader.load(broken));
        assertThat(direct).isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'noSuchKey'");
        ConfigLoader.prefetch(broken);
        assertThatThrownBy(() -> ConfigLoader.load(broken)).isInstanceOf(ConfigException.class).hasMessage(direct.getMessage());
    }

    @Test
    void anotherFileIsReadItself() throws Exception {
        Path shipped = Path.of("config/release.yaml");
        Path other = tmp.resolve("other.yaml");
        Files.writeString(other, Files.readString(shipped).replaceFirst("(?m)^parallelism: .*$", "parallelism: 7"));
        assertThat(Files.readString(other)).contains("parallelism: 7");
        ConfigLoader.prefetch(shipped);
        assertThat(ConfigLoader.load(other).parallelism()).isEqualTo(7);
        // The prefetch was for another file: it is dropped, and the shipped file is read afresh.
        assertThat(ConfigLoader.load(shipped).parallelism()).isNotEqualTo(7);
    }
}
