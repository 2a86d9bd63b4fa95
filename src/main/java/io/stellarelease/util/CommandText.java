package io.stellarelease.util;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A command as a route writes it for the stella-exec kamelet: a YAML list ({@code [bash, build/sbom.sh]}) or words
 * separated by spaces. One reading for the kamelet when it runs and for the pipeline check before anything runs.
 */
public final class CommandText {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private CommandText() {
    }

    /** The argument list; an unreadable list or no argument at all is refused, naming what was written. */
    public static List<String> arguments(String command) {
        String text = command == null ? "" : command.strip();
        List<String> arguments;
        if (text.startsWith("[")) {
            try {
                arguments = YAML.readValue(text, new TypeReference<List<String>>() { });
            } catch (IOException e) {
                throw new IllegalArgumentException("stella-exec command must be a list such as [bash, build/sbom.sh]: got " + text);
            }
        } else {
            arguments = Arrays.stream(text.split("\\s+")).filter(s -> !s.isEmpty()).toList();
        }
        if (arguments == null || arguments.isEmpty() || arguments.get(0) == null || arguments.get(0).isBlank()) {
            throw new IllegalArgumentException("stella-exec command must name a program, such as [bash, build/sbom.sh]: got '" + text + "'");
        }
        return arguments;
    }
}
