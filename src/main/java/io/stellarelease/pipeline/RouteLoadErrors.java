package io.stellarelease.pipeline;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern MISSING_TEMPLATE = Pattern.compile("Cannot find RouteTemplate with id (\\S+)");
    private static final Pattern TEMPLATE_ID = Pattern.compile("(?m)^\\s*-\\s*routeTemplate:\\s*\\n\\s*id:\\s*[\"']?([^\"'\\s#]+)");

    /** The route template Camel did not find for a {@code templatedRoute} (its {@code routeTemplateRef}), if that is the error. */
    public static Optional<String> missingTemplate(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException && t.getMessage() != null) {
                Matcher m = MISSING_TEMPLATE.matcher(t.getMessage().strip());
                if (m.matches()) {
                    return Optional.of(m.group(1));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A {@code templatedRoute} naming a route template that does not exist, in one line with the file and line of its
     * {@code routeTemplateRef} (Camel names only the id) and a did-you-mean among the templates and kamelets of
     * {@code files} (location to content).
     */
    public static String missingTemplate(String id, Map<String, String> files) {
        Pattern ref = Pattern.compile("^\\s*(-\\s*)?routeTemplateRef:\\s*[\"']?" + Pattern.quote(id) + "[\"']?\\s*(#.*)?$");
        String where = null;
        Set<String> known = new LinkedHashSet<>();
        for (var file : files.entrySet()) {
            String location = file.getKey();
            if (location.endsWith(".kamelet.yaml")) {
                known.add(location.substring(location.lastIndexOf('/') + 1).replaceFirst("\\.kamelet\\.yaml$", ""));
            }
            Matcher ids = TEMPLATE_ID.matcher(file.getValue());
            while (ids.find()) {
                known.add(ids.group(1));
            }
            String[] lines = file.getValue().split("\n", -1);
            for (int i = 0; i < lines.length && where == null; i++) {
                if (ref.matcher(lines[i]).matches()) {
                    where = PipelinePlan.file(location, location) + ":" + (i + 1);
                }
            }
        }
        return (where == null ? "" : where + ": ") + "routeTemplateRef " + id + " names no route template" + PipelinePlan.didYouMean(id, known);
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
