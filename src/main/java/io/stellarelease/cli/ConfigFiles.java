package io.stellarelease.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The two configuration files every command that boots Camel takes: one place for their names and defaults. */
public class ConfigFiles {
    // A file name starts its own line (%n): picocli may wrap a line at a '.', which would split the name in two.

    @Option(names = "--config", paramLabel = "FILE", description = "The release configuration.%nDefault: config/release.yaml.")
    Path config;

    @Option(names = "--properties", paramLabel = "FILE", defaultValue = "config/application.properties",
            description = "Camel and service properties.%nDefault: ${DEFAULT-VALUE}.")
    Path properties;

    /**
     * The release configuration the command will load, as far as can be told before Camel starts: {@code --config},
     * else a plain {@code stella.config} of the properties file; null when only Camel can say (a placeholder, an
     * unreadable file). A guess that Camel overrides (a system property) costs only a read ahead.
     */
    Path releaseConfig() {
        if (config != null) {
            return config;
        }
        var props = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(properties, java.nio.charset.StandardCharsets.UTF_8)) {
            props.load(in);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return null;
        }
        String value = props.getProperty("stella.config", "config/release.yaml").strip();
        return value.contains("{{") ? null : Path.of(value);
    }
}
