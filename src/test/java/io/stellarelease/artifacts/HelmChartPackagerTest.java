package io.stellarelease.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stellarelease.artifacts.HelmChartPackager.ChartPackage;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HelmChartPackagerTest {

    private static final Instant MTIME = Instant.parse("2026-04-15T08:00:00Z");
    private static final String CHART_YAML = """
            # The StellaOps suite; comments do not survive packaging, as with helm.
            apiVersion: v2
            name: stellaops
            description: StellaOps release suite
            type: application
            version: 0.1.0
            appVersion: "0.0.0"
            keywords:
              - security
              - sbom
            maintainers:
              - name: Stella Ops
                email: ops@stella-ops.org
            """;

    @TempDir
    Path tmp;
    Path chart;
    Path out;
    final HelmChartPackager packager = new HelmChartPackager();

    @BeforeEach
    void createChart() throws IOException {
        chart = tmp.resolve("devops/helm/stellaops");
        out = tmp.resolve("out/helm");
        write("Chart.yaml", CHART_YAML);
        write("values.yaml", "replicas: 1\n");
        write("README.md", "# chart\n");
        write("templates/deployment.yaml", "kind: Deployment\n");
        write("templates/_helpers.tpl", "{{/* helpers */}}\n");
        write("templates/docs", "a file named like an ignored directory\n");
        write("templates/.deployment.yaml.swp", "editor swap file\n");
        write("templates/old.yaml.bak", "backup\n");
        write("ci/keep.txt", "kept\n");
        write("ci/values-test.yaml", "ignored\n");
        write("docs/guide.md", "ignored directory\n");
        write("README.draft.md", "ignored, anchored\n");
        write(".DS_Store", "ignored exact name\n");
        write(".git/config", "never packaged\n");
        write("hooks/install.sh", "#!/bin/sh\n");
        Files.setPosixFilePermissions(chart.resolve("hooks/install.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        write(".helmignore", """
                # Patterns to ignore when building packages.
                .DS_Store
                *.bak

                docs/
                /README.draft.md
                ci/*.yaml
                """);
    }

    @Test
    void packsEveryFileUnderAFolderNamedAfterTheChart() throws IOException {
        ChartPackage pkg = packager.pack(chart, "2026.04", "2026.04.0", out, "{name}-{version}.tgz", MTIME);

        assertThat(pkg).isEqualTo(new ChartPackage("stellaops", "2026.04", "2026.04.0", out.resolve("stellaops-2026.04.tgz")));
        assertThat(read(pkg.path()).keySet()).containsExactly(
                "stellaops/.helmignore",
                "stellaops/Chart.yaml",
                "stellaops/README.md",
                "stellaops/ci/keep.txt",
                "stellaops/hooks/install.sh",
                "stellaops/templates/_helpers.tpl",
                "stellaops/templates/deployment.yaml",
                "stellaops/templates/docs",
                "stellaops/values.yaml");
    }

    @Test
    void rewritesVersionAndAppVersionKeepingTheOtherKeysInOrder() throws IOException {
        ChartPackage pkg = packager.pack(chart, "2026.04", "2026.04", out, "{name}-{version}.tgz", MTIME);

        String chartYaml = new String(read(pkg.path()).get("stellaops/Chart.yaml"), StandardCharsets.UTF_8);
        JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(chartYaml);
        List<String> keys = new ArrayList<>();
        tree.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("apiVersion", "name", "description", "type", "version", "appVersion",
                "keywords", "maintainers");
        // A string, not the number 2026.4: a YAML reader must get back exactly what was given.
        assertThat(tree.get("version").isTextual()).isTrue();
        assertThat(tree.get("version").asText()).isEqualTo("2026.04");
        assertThat(tree.get("appVersion").asText()).isEqualTo("2026.04");
        assertThat(tree.get("maintainers").get(0).get("email").asText()).isEqualTo("ops@stella-ops.org");
        assertThat(tree.get("keywords")).hasSize(2);
        // The chart in the workspace is left alone.
        assertThat(Files.readString(chart.resolve("Chart.yaml"))).isEqualTo(CHART_YAML);
    }

    @Test
    void addsAppVersionWhenTheChartHasNone() throws IOException {
        write("Chart.yaml", "apiVersion: v2\nname: stellaops\nversion: 0.1.0\n");
        ChartPackage pkg = packager.pack(chart, "2026.10", "2026.10-rc1", out, "{name}-{version}.tgz", MTIME);

        String chartYaml = new String(read(pkg.path()).get("stellaops/Chart.yaml"), StandardCharsets.UTF_8);
        assertThat(chartYaml).isEqualTo("apiVersion: v2\nname: stellaops\nversion: \"2026.10\"\nappVersion: 2026.10-rc1\n");
    }

    @Test
    void archiveIsReproducibleWithFixedTimesOwnersAndModes() throws IOException {
        Path first = packager.pack(chart, "2026.04", "2026.04", tmp.resolve("a"), "{name}-{version}.tgz", MTIME).path();
        Path second = packager.pack(chart, "2026.04", "2026.04", tmp.resolve("b"), "{name}-{version}.tgz", MTIME).path();
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));

        Map<String, TarArchiveEntry> entries = entries(first);
        assertThat(entries.values()).allSatisfy(e -> {
            assertThat(e.isFile()).isTrue();
            assertThat(e.getModTime().toInstant()).isEqualTo(MTIME);
            assertThat(e.getLongUserId()).isZero();
            assertThat(e.getUserName()).isEmpty();
        });
        assertThat(entries.get("stellaops/hooks/install.sh").getMode() & 07777).isEqualTo(0755);
        assertThat(entries.get("stellaops/values.yaml").getMode() & 07777).isEqualTo(0644);
    }

    @Test
    void fileNamePatternMayUseAppVersion() throws IOException {
        ChartPackage pkg = packager.pack(chart, "2026.04", "1.2.3", out, "{name}-{appVersion}-chart.tgz", MTIME);
        assertThat(pkg.path()).isEqualTo(out.resolve("stellaops-1.2.3-chart.tgz")).exists();
    }

    @Test
    void unknownPlaceholderOrPathInFileNameIsRejected() {
        assertThatThrownBy(() -> packager.pack(chart, "2026.04", "2026.04", out, "{chart}-{version}.tgz", MTIME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown placeholder {chart}");
        assertThatThrownBy(() -> packager.pack(chart, "../2026.04", "2026.04", out, "{name}/{version}.tgz", MTIME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must give a plain file name");
    }

    @Test
    void validChartHasNoProblems() {
        assertThat(packager.check(chart)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            apiVersion v1      | apiVersion: v1\\nname: stellaops\\nversion: 0.1.0     | apiVersion must be v2: got v1
            apiVersion missing | name: stellaops\\nversion: 0.1.0                     | apiVersion must be v2: got nothing
            name missing       | apiVersion: v2\\nversion: 0.1.0                      | name must not be empty: got nothing
            name empty         | apiVersion: v2\\nname: ''\\nversion: 0.1.0           | name must not be empty: got ""
            name invalid       | apiVersion: v2\\nname: Stella_Ops\\nversion: 0.1.0   | name must be a valid chart name (^[a-z0-9]([-a-z0-9]*[a-z0-9])?$): got Stella_Ops
            name trailing dash | apiVersion: v2\\nname: stellaops-\\nversion: 0.1.0   | name must be a valid chart name (^[a-z0-9]([-a-z0-9]*[a-z0-9])?$): got stellaops-
            version missing    | apiVersion: v2\\nname: stellaops                     | version must be present: got nothing
            version empty      | apiVersion: v2\\nname: stellaops\\nversion: ''       | version must be present: got ""
            not a mapping      | - apiVersion: v2                                    | must be a YAML mapping: got ARRAY
            empty file         | ''                                                  | must be a YAML mapping: got an empty file
            """)
    void eachChartYamlRuleIsEnforcedWithFileRuleAndValue(String rule, String content, String message) throws IOException {
        write("Chart.yaml", content.equals("''") ? "" : content.replace("\\n", "\n") + "\n");
        String expected = chart.resolve("Chart.yaml") + ": " + message;

        assertThat(packager.check(chart)).containsExactly(expected);
        assertThatThrownBy(() -> packager.pack(chart, "2026.04", "2026.04", out, "{name}-{version}.tgz", MTIME))
                .isInstanceOf(ChartException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(expected);
        assertThat(out).doesNotExist();
    }

    @Test
    void missingOrBrokenChartYamlIsReported() throws IOException {
        Files.delete(chart.resolve("Chart.yaml"));
        assertThat(packager.check(chart)).containsExactly(chart.resolve("Chart.yaml") + ": a chart must have a Chart.yaml: not found");

        write("Chart.yaml", "apiVersion: [v2\n");
        assertThat(packager.check(chart)).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith(chart.resolve("Chart.yaml") + ": must be valid YAML: ");
    }

    @Test
    void everyProblemIsReportedAtOnce() throws IOException {
        write("Chart.yaml", "apiVersion: v1\nname: Bad Name\n");
        write(".helmignore", "*.bak\n!keep.bak\ndocs/**\n");

        ChartException e = (ChartException) org.assertj.core.api.Assertions.catchThrowable(
                () -> packager.pack(chart, "2026.04", "2026.04", out, "{name}-{version}.tgz", MTIME));
        Path chartYaml = chart.resolve("Chart.yaml");
        Path helmignore = chart.resolve(".helmignore");
        assertThat(e.problems()).containsExactly(
                chartYaml + ": apiVersion must be v2: got v1",
                chartYaml + ": name must be a valid chart name (^[a-z0-9]([-a-z0-9]*[a-z0-9])?$): got Bad Name",
                chartYaml + ": version must be present: got nothing",
                helmignore + ":2: negated rules (!) are not supported: got !keep.bak",
                helmignore + ":3: ** is not supported: got docs/**");
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
    }

    @Test
    void blankVersionArgumentsAreRejected() {
        assertThatThrownBy(() -> packager.pack(chart, " ", "2026.04", out, "{name}-{version}.tgz", MTIME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chart version must not be blank");
        assertThatThrownBy(() -> packager.pack(chart, "2026.04", null, out, "{name}-{version}.tgz", MTIME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chart appVersion must not be blank");
    }

    @Test
    void globsFollowHelmRules() {
        assertThat(HelmChartPackager.glob("*.bak").matcher("a.bak").matches()).isTrue();
        assertThat(HelmChartPackager.glob("ci/*.yaml").matcher("ci/sub/x.yaml").matches()).isFalse();
        assertThat(HelmChartPackager.glob("file?.txt").matcher("file1.txt").matches()).isTrue();
        assertThat(HelmChartPackager.glob("[!a]x").matcher("bx").matches()).isTrue();
        assertThat(HelmChartPackager.glob("[!a]x").matcher("ax").matches()).isFalse();
        assertThat(HelmChartPackager.glob("a.b").matcher("axb").matches()).isFalse();
    }

    private void write(String relative, String content) throws IOException {
        Path file = chart.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static Map<String, byte[]> read(Path tgz) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tgz);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                files.put(e.getName(), tar.readAllBytes());
            }
        }
        return files;
    }

    private static Map<String, TarArchiveEntry> entries(Path tgz) throws IOException {
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tgz);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                entries.put(e.getName(), e);
            }
        }
        return entries;
    }
}
