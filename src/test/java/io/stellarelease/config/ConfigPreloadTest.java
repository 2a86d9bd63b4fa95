package io.stellarelease.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The background read of the release configuration gives what a read at the moment of taking would give: the same
 * configuration, the same refusal, and a fresh read whenever the file is another or has changed since.
 */
class ConfigPreloadTest {

    @TempDir
    Path tmp;

    private Path write(String name, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        ObjectNode config = (ObjectNode) PublishConfigTest.YAML.readTree(Path.of("config/release.yaml").toFile());
        edit.accept(config);
        Path file = tmp.resolve(name);
        PublishConfigTest.YAML.writeValue(file.toFile(), config);
        return file;
    }

    @Test
    void theBackgroundReadIsWhatAReadNowGives() throws Exception {
        Path file = write("release.yaml", c -> c.put("parallelism", 3));
        ConfigPreload.start(file);
        ReleaseConfig taken = ConfigPreload.take(file);
        assertThat(taken).isEqualTo(ConfigLoader.load(file));
        assertThat(taken.parallelism()).isEqualTo(3);
        // One read for one taker: the next take reads the file again (here: the same content).
        assertThat(ConfigPreload.take(file)).isEqualTo(taken).isNotSameAs(taken);
    }

    @Test
    void aFileChangedAfterTheReadBeganIsReadAgain() throws Exception {
        Path file = write("release.yaml", c -> c.put("parallelism", 3));
        ConfigPreload.start(file);
        // Rewritten at once, whether or not the background read has finished (or read the old bytes): its size changes.
        write("release.yaml", c -> c.put("parallelism", 12));
        assertThat(ConfigPreload.take(file).parallelism()).isEqualTo(12);
    }

    @Test
    void anotherFileIsReadWhenTaken() throws Exception {
        Path started = write("release.yaml", c -> c.put("parallelism", 3));
        Path other = write("other.yaml", c -> c.put("parallelism", 5));
        ConfigPreload.start(started);
        assertThat(ConfigPreload.take(other).parallelism()).isEqualTo(5);
        // The first file's read was not given to the second file's taker; its own taker still gets that file's content.
        assertThat(ConfigPreload.take(started).parallelism()).isEqualTo(3);
    }

    @Test
    void aBrokenConfigurationIsRefusedAsAReadNowRefusesIt() throws Exception {
        Path file = write("release.yaml", c -> c.put("colour", "red"));
        String now = null;
        try {
            ConfigLoader.load(file);
        } catch (ConfigException e) {
            now = e.getMessage();
        }
        assertThat(now).contains("unknown key 'colour'");
        ConfigPreload.start(file);
        assertThatThrownBy(() -> ConfigPreload.take(file)).isInstanceOf(ConfigException.class).hasMessage(now);
        // The file named as the user named it (here relative to the working directory), not as an absolute path.
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        assertThat(relative.isAbsolute()).isFalse();
        ConfigPreload.start(relative);
        assertThatThrownBy(() -> ConfigPreload.take(relative)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(relative + ": unknown key 'colour'");
    }

    @Test
    void aMissingFileIsSaidWhenTaken() throws Exception {
        Path file = tmp.resolve("missing.yaml");
        ConfigPreload.start(file);
        Files.deleteIfExists(file);
        assertThatThrownBy(() -> ConfigPreload.take(file)).isInstanceOf(ConfigException.class)
                .hasMessage(file + ": release configuration not found");
    }
}
