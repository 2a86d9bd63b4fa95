package io.stellarelease.app;

import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Camel's early parses of the route files (for modelines, and the YAML loader's own) are skipped only when they could
 * find nothing: no inline {@code beans:} and no Pipe in the file. A file that has them (or is not YAML, or cannot be
 * read) keeps them, so such beans are bound as early as before.
 */
class RoutePreParseTest {

    @Test
    void ourRouteFilesNeedNoPreParse() throws Exception {
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("routes")), Files.list(Path.of("routes/service")))) {
            var resources = files.filter(p -> p.toString().endsWith(".yaml"))
                    .map(p -> ResourceHelper.fromString("file:" + p, read(p))).toList();
            assertThat(resources).hasSizeGreaterThan(20);
            assertThat(YamlRoutesLoader.needsPreParse(resources)).isFalse();
        }
    }

    @Test
    void aFileWithInlineBeansOrAPipeKeepsIt() {
        var route = ResourceHelper.fromString("file:routes/a.yaml", "- route:\n    from:\n      uri: direct:a\n      steps:\n        - log: a\n");
        var beans = ResourceHelper.fromString("file:routes/b.yaml",
                "- beans:\n    - name: counter\n      type: java.util.concurrent.atomic.AtomicLong\n");
        var pipe = ResourceHelper.fromString("file:routes/c.yaml", "apiVersion: camel.apache.org/v1\nkind: Pipe\n");
        assertThat(YamlRoutesLoader.needsPreParse(List.of(route))).isFalse();
        assertThat(YamlRoutesLoader.needsPreParse(List.of(route, beans))).isTrue();
        assertThat(YamlRoutesLoader.needsPreParse(List.of(pipe, route))).isTrue();
        assertThat(YamlRoutesLoader.needsPreParse(List.of(ResourceHelper.fromString("file:routes/R.java", "class R {}")))).isTrue();
        assertThat(YamlRoutesLoader.needsPreParse(List.of(ResourceHelper.resolveResource(new org.apache.camel.impl.DefaultCamelContext(),
                "file:/nonexistent/missing.yaml")))).isTrue();
    }

    @Test
    void theYamlLoaderParsesEarlyOnlyAFileThatCanNeedIt() throws Exception {
        try (var context = new org.apache.camel.impl.DefaultCamelContext()) {
            YamlRoutesLoader loader = new YamlRoutesLoader();
            loader.setCamelContext(context);
            context.addService(loader, true, true);
            // Not YAML at all, and no beans or Pipe: skipped, so nothing is parsed (Camel's own load says what is wrong).
            loader.preParseRoute(ResourceHelper.fromString("file:routes/a.yaml", "- route: [unclosed\n"));
            loader.preParseRoute(ResourceHelper.fromString("file:routes/b.yaml",
                    "- beans:\n    - name: counter\n      type: java.util.concurrent.atomic.AtomicLong\n"));
            assertThat(context.getRegistry().lookupByName("counter")).isInstanceOf(java.util.concurrent.atomic.AtomicLong.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.preParseRoute(
                    ResourceHelper.fromString("file:routes/c.yaml", "- beans: [unclosed\n"))).isNotNull();
        }
    }

    @Test
    void theApplicationLoadsItsRoutesWithThatLoader() throws Exception {
        try (CamelApp app = CamelApp.start(Path.of("config/application.properties"), Path.of("config/release.yaml"))) {
            var context = app.template().getCamelContext();
            assertThat(org.apache.camel.support.PluginHelper.getRoutesLoader(context).getRoutesLoader("yaml"))
                    .isInstanceOf(YamlRoutesLoader.class);
            assertThat(context.getRoutes()).hasSizeGreaterThan(20);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
