package io.stellarelease.pipeline;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

import java.util.Optional;

/**
 * A route file that does not load, said in one line an editor can jump to: {@code routes/stage-x.yaml:5:4: expected
 * <block end>, but found '<block mapping start>' (while parsing a block mapping at line 3)}, instead of the parser's
 * eight lines with snippets, or a stack trace.
 */
public final class RouteLoadErrors {
    private RouteLoadErrors() {
    }

    /** The one-line message of the YAML error in {@code error}'s causes, if there is one. */
    public static Optional<String> oneLine(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException yaml) {
                return Optional.of(format(yaml));
            }
        }
        return Optional.empty();
    }

    private static String format(MarkedYamlEngineException e) {
        Optional<Mark> at = e.getProblemMark().or(e::getContextMark);
        String where = at.map(m -> PipelinePlan.file(m.getName(), m.getName()) + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1))
                .orElse("a route file");
        String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
        String context = e.getContext() != null && e.getProblem() != null
                ? " (" + e.getContext() + e.getContextMark().filter(m -> at.isEmpty() || m.getLine() != at.get().getLine())
                        .map(m -> " at line " + (m.getLine() + 1)).orElse("") + ")"
                : "";
        return (where + ": " + problem + context).replaceAll("\\s*\\n\\s*", " ");
    }
}
