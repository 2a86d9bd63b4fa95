package io.stellarelease.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the README shows works on the bundled example as it is in the repository: a dry-run module release of every
 * configured module at the version in its own version.txt, through the command line, the real configuration and
 * the real routes. (The example's changelogs must name each of those versions.)
 */
class ExampleModulesTest {
    @TempDir
    Path out;

    static List<String> moduleTags() throws IOException {
        JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(Path.of("config/release.yaml").toFile());
        Path workspace = Path.of(config.get("workspace").asText());
        List<String> tags = new ArrayList<>();
        for (JsonNode module : config.at("/modules/items")) {
            String version = Files.readString(workspace.resolve(module.get("path").asText()).resolve("version.txt")).strip();
            tags.add("module-" + module.get("name").asText().toLowerCase(Locale.ROOT) + "-v" + version);
        }
        assertThat(tags).hasSize(9);
        return tags;
    }

    @ParameterizedTest
    @MethodSource("moduleTags")
    void everyExampleModuleReleasesAtItsOwnVersion(String tag) throws IOException {
        CliRun r = CliRun.run("release", tag, "--out", out.toString(), "--dry-run");

        assertThat(r.exit()).as(r.console()).isZero();
        String module = tag.substring("module-".length(), tag.lastIndexOf("-v"));
        String version = tag.substring(tag.lastIndexOf("-v") + 2);
        Path dir = out.resolve("modules").resolve(module).resolve(version);
        assertThat(r.stdout()).contains(": succeeded").contains("dry run of " + tag + " done into " + dir);
        assertThat(dir.resolve("module-" + module + "-" + version + ".yaml")).content()
                .contains("tag: " + tag + "\n").contains("dryRun: true");
    }
}
