package io.stellarelease.app;

import io.stellarelease.config.ConfigException;
import org.apache.camel.main.Main;

import java.nio.file.Files;
import java.nio.file.Path;

/** Camel Main with the YAML routes from the file system and {@link ReleaseBeans}, for the command line. */
public final class CamelApp implements AutoCloseable {
    private final Main main;

    private CamelApp(Main main) {
        this.main = main;
    }

    public static CamelApp start(Path properties, Path releaseConfig) throws Exception {
        if (!Files.isRegularFile(properties)) {
            throw new ConfigException(properties + ": properties file not found (run from the repository root or pass --properties)");
        }
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:" + properties);
        main.configure().addConfiguration(ReleaseBeans.class);
        if (releaseConfig != null) {
            main.addOverrideProperty("stella.config", releaseConfig.toString());
        }
        try {
            main.start();
        } catch (Exception e) {
            ConfigException config = findCause(e, ConfigException.class);
            if (config != null) {
                throw config;
            }
            throw e;
        }
        return new CamelApp(main);
    }

    public ReleaseRunner releaseRunner() {
        return main.getCamelContext().getRegistry().lookupByNameAndType("releaseRunner", ReleaseRunner.class);
    }

    @Override
    public void close() {
        main.stop();
    }

    private static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
