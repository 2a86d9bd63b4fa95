package io.stellarelease.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.camel.BindToRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The code map's two rules, checked on the sources: a stage's Java is found from its route file's name
 * ({@code routes/stage-build-modules.yaml} -> package {@code io.stellarelease.buildmodules}), and no package
 * depends on itself through others (imports, static imports and fully qualified names in code count; comments and
 * strings do not).
 */
class PackageLayoutTest {
    static final String ROOT = "io.stellarelease.";
    /** Beans several stages share: the exec step's planner and step results ({@code steps}), the stage tracker. */
    static final Set<String> SHARED = Set.of("steps", "pipeline");
    static final Pattern REFERENCE = Pattern.compile("\\bio\\.stellarelease\\.([a-z][a-z0-9_]*(?:\\.[a-z][a-z0-9_]*)*)\\.(?:[A-Z*])");
    static final Pattern PACKAGE = Pattern.compile("^package\\s+io\\.stellarelease\\.([\\w.]+);", Pattern.MULTILINE);

    @Test
    void noPackageCycle() throws IOException {
        Map<String, Map<String, String>> graph = packageGraph(Path.of("src/main/java/io/stellarelease"));
        assertThat(graph).containsKeys("clients", "state", "steps", "buildmodules");
        assertThat(cycles(graph)).as("package cycles (each edge names a file that makes it)").isEmpty();
    }

    @Test
    void aCycleIsFoundAndNamed() {
        Map<String, Map<String, String>> graph = new TreeMap<>();
        graph.computeIfAbsent("a", k -> new TreeMap<>()).put("b", "a/A.java");
        graph.computeIfAbsent("b", k -> new TreeMap<>()).put("c", "b/B.java");
        graph.computeIfAbsent("c", k -> new TreeMap<>()).put("a", "c/C.java");
        graph.computeIfAbsent("c", k -> new TreeMap<>()).put("d", "c/C.java");
        graph.computeIfAbsent("d", k -> new TreeMap<>());
        assertThat(cycles(graph)).containsExactly("a -> b (a/A.java) -> c (b/B.java) -> a (c/C.java)");
    }

    @Test
    void referencesInCommentsAndStringsAreNotDependencies() {
        String src = """
                package io.stellarelease.x;
                import io.stellarelease.y.Y; // io.stellarelease.z.Z
                /* io.stellarelease.w.W */
                class X { String s = "io.stellarelease.v.V"; char q = '"'; io.stellarelease.u.U u; }
                """;
        assertThat(references(code(src))).containsExactlyInAnyOrder("y", "u");
    }

    @Test
    void everyStageBeanLivesInThePackageNamedAfterItsRoute() throws IOException {
        Map<String, Set<String>> routesOfBean = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("stage-.+\\.yaml")).sorted().toList()) {
                String stage = file.getFileName().toString().replaceAll("^stage-|\\.yaml$", "");
                Set<String> beans = new TreeSet<>();
                beanRefs(new ObjectMapper(new YAMLFactory()).readTree(file.toFile()), beans);
                assertThat(beans).as(file + " calls beans").isNotEmpty();
                beans.forEach(b -> routesOfBean.computeIfAbsent(b, k -> new TreeSet<>()).add(stage));
            }
        }
        List<String> misplaced = new ArrayList<>();
        for (var e : routesOfBean.entrySet()) {
            Class<?> type = beanType(e.getKey());
            String pkg = type.getPackageName().substring(ROOT.length());
            Set<String> expected = new TreeSet<>();
            e.getValue().forEach(stage -> expected.add(stage.replace("-", "")));
            if (!expected.contains(pkg) && !SHARED.contains(pkg)) {
                misplaced.add(e.getKey() + " (" + type.getName() + ", called by stage-" + String.join(", stage-", e.getValue())
                        + ") belongs in " + ROOT + String.join(" or " + ROOT, expected));
            }
        }
        assertThat(misplaced).isEmpty();
    }

    /** A bean's class: the return type of the {@code @BindToRegistry} method of that name in {@code app}. */
    static Class<?> beanType(String name) {
        for (Class<?> beans : List.of(ReleaseBeans.class, CamelApp.class, ServiceBeans.class)) {
            for (Method m : beans.getMethods()) {
                if (m.getName().equals(name) && m.isAnnotationPresent(BindToRegistry.class)) {
                    return m.getReturnType();
                }
            }
        }
        throw new AssertionError("no @BindToRegistry method " + name + " in app");
    }

    /** {@code bean: {ref: x}}, {@code method: {ref: x}} and a publish template's {@code publisher} parameter. */
    static void beanRefs(JsonNode node, Set<String> beans) {
        if (node.isObject()) {
            for (String key : List.of("bean", "method")) {
                JsonNode ref = node.path(key).path("ref");
                if (ref.isTextual()) {
                    beans.add(ref.asText());
                }
            }
            if ("publisher".equals(node.path("name").asText(null)) && node.path("value").isTextual()) {
                beans.add(node.path("value").asText());
            }
        }
        node.forEach(child -> beanRefs(child, beans));
    }

    /** package -> (package it uses -> one file that uses it), packages named without {@code io.stellarelease.}. */
    static Map<String, Map<String, String>> packageGraph(Path root) throws IOException {
        Map<String, Map<String, String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(file -> {
                String src;
                try {
                    src = Files.readString(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Matcher pm = PACKAGE.matcher(src);
                assertThat(pm.find()).as(file + " has a package io.stellarelease.*").isTrue();
                String pkg = pm.group(1);
                var edges = graph.computeIfAbsent(pkg, k -> new TreeMap<>());
                for (String used : references(code(src))) {
                    if (!used.equals(pkg)) {
                        edges.putIfAbsent(used, root.relativize(file).toString());
                    }
                }
            });
        }
        return graph;
    }

    static Set<String> references(String code) {
        Set<String> used = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            used.add(m.group(1));
        }
        used.removeIf(p -> p.equals(packageOf(code)));
        return used;
    }

    static String packageOf(String code) {
        Matcher m = PACKAGE.matcher(code);
        return m.find() ? m.group(1) : "";
    }

    /** The source with comments removed and string, text block and char literals emptied. */
    static String code(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (src.startsWith("//", i)) {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                while (end > 0 && src.charAt(end - 1) == '\\') {
                    end = src.indexOf("\"\"\"", end + 1);
                }
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && src.charAt(i) != c && src.charAt(i) != '\n') {
                    i += src.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** One cycle per strongly connected component of more than one package, as a path back to its start. */
    static List<String> cycles(Map<String, Map<String, String>> graph) {
        List<String> found = new ArrayList<>();
        Set<String> done = new TreeSet<>();
        for (String start : graph.keySet()) {
            if (done.contains(start)) {
                continue;
            }
            Set<String> component = component(graph, start);
            done.addAll(component);
            if (component.size() > 1) {
                found.add(path(graph, start, component));
            }
        }
        return found;
    }

    /** The packages that can both be reached from start and reach it. */
    static Set<String> component(Map<String, Map<String, String>> graph, String start) {
        Set<String> from = reach(graph, start, false);
        Set<String> to = reach(graph, start, true);
        from.retainAll(to);
        return from;
    }

    static Set<String> reach(Map<String, Map<String, String>> graph, String start, boolean reverse) {
        Set<String> seen = new TreeSet<>(Set.of(start));
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        while (!todo.isEmpty()) {
            String p = todo.pop();
            for (var e : graph.entrySet()) {
                boolean edge = reverse ? e.getValue().containsKey(p) : e.getKey().equals(p);
                if (!edge) {
                    continue;
                }
                for (String next : reverse ? Set.of(e.getKey()) : e.getValue().keySet()) {
                    if (seen.add(next)) {
                        todo.push(next);
                    }
                }
            }
        }
        return seen;
    }

    /** A shortest path start -> ... -> start inside the component, each step with the file that makes it. */
    static String path(Map<String, Map<String, String>> graph, String start, Set<String> component) {
        Map<String, String> parent = new TreeMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(start));
        String last = null;
        while (!queue.isEmpty() && last == null) {
            String p = queue.removeFirst();
            for (String next : graph.getOrDefault(p, Map.of()).keySet()) {
                if (next.equals(start)) {
                    last = p;
                    break;
                }
                if (component.contains(next) && !parent.containsKey(next)) {
                    parent.put(next, p);
                    queue.addLast(next);
                }
            }
        }
        List<String> nodes = new ArrayList<>();
        for (String p = last; p != null && !p.equals(start); p = parent.get(p)) {
            nodes.add(0, p);
        }
        nodes.add(0, start);
        nodes.add(start);
        StringBuilder s = new StringBuilder(start);
        for (int k = 1; k < nodes.size(); k++) {
            s.append(" -> ").append(nodes.get(k)).append(" (").append(graph.get(nodes.get(k - 1)).get(nodes.get(k))).append(')');
        }
        return s.toString();
    }
}
