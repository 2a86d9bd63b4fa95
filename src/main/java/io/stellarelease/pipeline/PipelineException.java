package io.stellarelease.pipeline;

import io.stellarelease.config.ConfigException;

import java.util.List;

/**
 * The routes cannot run as written: a stage with no route, a need no earlier stage produces, a call to a
 * {@code direct:} endpoint nothing consumes, a route file that does not load. One line per problem, each starting
 * with the route file and line. A configuration error: exit 2, before any command runs.
 */
public class PipelineException extends ConfigException {
    private final List<String> problems;

    public PipelineException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
