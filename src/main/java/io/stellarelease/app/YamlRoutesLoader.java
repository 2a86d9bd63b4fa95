package io.stellarelease.app;

import org.apache.camel.dsl.yaml.YamlRoutesBuilderLoader;
import org.apache.camel.impl.engine.DefaultRoutesLoader;
import org.apache.camel.spi.Resource;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;

/**
 * Camel's YAML route loader, without its early parse of files that cannot need it. Before loading the route files,
 * Camel parses each of them once more ({@code preParseRoute}, from its modeline step and again before the load),
 * looking for inline {@code beans:} and Pipes, which none of ours has: ~6 % of the main thread of a {@code serve}
 * start. A file that mentions them keeps the early parse ({@link #needsPreParse}). Bound under {@link #NAME}, which
 * Camel looks up before making its own loader.
 */
final class YamlRoutesLoader extends YamlRoutesBuilderLoader {

    static final String NAME = DefaultRoutesLoader.ROUTES_LOADER_KEY_PREFIX + EXTENSION;

    @Override
    public void preParseRoute(Resource resource) throws Exception {
        if (needsPreParse(List.of(resource))) {
            super.preParseRoute(resource);
        }
    }

    /**
     * Whether Camel's early parse of the route files can do anything: a file that is not YAML, cannot be read, or names
     * {@code beans} or a {@code Pipe} (what the YAML DSL's pre-parse looks for) anywhere, even in a comment.
     */
    static boolean needsPreParse(Collection<Resource> resources) {
        for (Resource resource : resources) {
            String location = resource.getLocation();
            if (location == null || !(location.endsWith(".yaml") || location.endsWith(".yml"))) {
                return true;
            }
            try (var in = resource.getInputStream()) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (text.contains("beans") || text.contains("Pipe") || text.contains("KameletBinding")) {
                    return true;
                }
            } catch (Exception e) {
                return true; // Camel's own parse says what is wrong with it
            }
        }
        return false;
    }
}
