package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.app.ReleaseBeans;
import io.stellarelease.state.ReleaseRun;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Boots Camel Main as the command line does: the real YAML routes from {@code routes/}, the real beans,
 * {@code config/application.properties}, and a release configuration a test may change.
 */
abstract class PipelineTestSupport extends CamelMainTestSupport {
    protected Path tmp;
    protected Path workspace;
    protected Path out;

    /** Changes to the release configuration for this test class. */
    protected void configure(ObjectNode config) {
    }

    /** Where the routes come from; a test may point it at an edited copy. */
    protected String routesPattern() {
        return "file:" + Fixtures.REPO_ROOT.resolve("routes") + "/*.yaml";
    }

    /** Tags created in the example repository. */
    protected String[] tags() {
        return new String[] {"suite-2026.04-nova"};
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:" + Fixtures.REPO_ROOT.resolve("config/application.properties");
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(ReleaseBeans.class);
        configuration.addConfiguration(io.stellarelease.app.QueueBeans.class);
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        try {
            tmp = Files.createTempDirectory("stella-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        workspace = Fixtures.exampleRepository(tmp.resolve("workspace"), tags());
        out = tmp.resolve("out");
        Path config = Fixtures.config(tmp.resolve("release.yaml"), c -> {
            c.put("workspace", workspace.toString());
            c.put("output", out.toString());
            configure(c);
        });
        Properties p = new Properties();
        p.put("stella.config", config.toString());
        p.put("stella.state-dir", tmp.resolve("state").toString());
        p.put("camel.main.routes-include-pattern", routesPattern());
        return p;
    }

    protected ReleaseRun release(String tag, boolean skipTests) {
        return release(tag, skipTests, false);
    }

    protected ReleaseRun release(String tag, boolean skipTests, boolean dryRun) {
        ReleaseRunner runner = context.getRegistry().lookupByNameAndType("releaseRunner", ReleaseRunner.class);
        return runner.run(runner.request(tag, null, null, dryRun, skipTests));
    }
}
