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
}
