package io.stellarelease.app;

import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.apache.camel.impl.engine.DefaultRoutesLoader;
import org.apache.camel.spi.Resource;

import java.util.List;

/**
 * Camel's YAML route loader, without its early parse of files that cannot need it. Before loading the route files,
 * Camel parses each of them once more ({@code preParseRoute}, from its modeline step and again before the load),
 * looking for inline {@code beans:} and Pipes, which none of ours has: ~6 % of the main thread of a {@code serve}
 * start. A file that mentions them keeps the early parse
 * ({@link CamelApp#needsPreParse}). Bound under {@link #NAME}, which Camel looks up before making its own loader.
 */
final class YamlRoutesLoader extends YamlRoutesBuilderLoader {

    static final String NAME = DefaultRoutesLoader.ROUTES_LOADER_KEY_PREFIX + EXTENSION;

    @Override
    public void preParseRoute(Resource resource) throws Exception {
        if (CamelApp.needsPreParse(List.of(resource))) {
            super.preParseRoute(resource);
        }
    }
}
