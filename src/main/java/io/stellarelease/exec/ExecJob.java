package io.stellarelease.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One command to run: the argument list comes from configuration, the values it needs from {@code env}.
 * Output (stdout and stderr together, as produced) goes to {@code log}.
 */
public record ExecJob(String stage, String name, List<String> command, Path workingDir, Map<String, String> env,
                      Duration timeout, Path log, Path outputDir) {

    public ExecJob {
        command = List.copyOf(command);
        env = Map.copyOf(env);
    }

    @Override
    public String toString() {
        // Values stay out of toString: they may come from a tag and end up in logs.
        return stage + "/" + name + " " + command;
    }
}
