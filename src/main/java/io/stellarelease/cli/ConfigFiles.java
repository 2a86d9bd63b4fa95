package io.stellarelease.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The two configuration files every command that boots Camel takes: one place for their names and defaults. */
public class ConfigFiles {

    @Option(names = "--config", paramLabel = "FILE", description = "The release configuration (default: config/release.yaml).")
    Path config;

    @Option(names = "--properties", paramLabel = "FILE", defaultValue = "config/application.properties",
            description = "Camel and service properties (default: ${DEFAULT-VALUE}).")
    Path properties;
}
