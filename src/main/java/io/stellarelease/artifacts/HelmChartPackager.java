package io.stellarelease.artifacts;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Packages a Helm chart directory into a reproducible {@code .tgz} the way {@code helm package} lays it out
 * (every file under a folder named after the chart, Chart.yaml carrying the release's version and appVersion),
 * without needing the helm binary.
 */
public final class HelmChartPackager {

    /** A written chart archive. */
    public record ChartPackage(String name, String version, String appVersion, Path path) { }

    static final String CHART_YAML = "Chart.yaml";
    static final String HELMIGNORE = ".helmignore";
    static final String NAME_RULE = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    private static final Pattern CHART_NAME = Pattern.compile(NAME_RULE);
    // Never part of a chart, whether or not .helmignore says so.
    private static final Set<String> VCS_DIRS = Set.of(".git", ".svn", ".hg", ".bzr", "CVS");
    // Helm's built-in rule: dot files in templates/ are never rendered, so never packaged.
    private static final String DEFAULT_RULE = "templates/.?*";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

    private final ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // "2026.04" must stay a string: unquoted, YAML would read it back as the number 2026.4.
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());

    /** The chart's problems, one message each; empty when the chart can be packaged. */
    public List<String> check(Path chartDir) {
        return load(chartDir).problems();
    }

    /**
     * Writes {@code outputDir/<fileNamePattern>} ({name}, {version} and {appVersion} filled in) holding the chart
     * with the given version and appVersion, every entry at {@code mtime}.
     *
     * @throws ChartException when {@link #check} finds problems
     */
    public ChartPackage pack(Path chartDir, String version, String appVersion, Path outputDir,
                             String fileNamePattern, Instant mtime) throws IOException {
        requireText(version, "version");
        requireText(appVersion, "appVersion");
        Chart chart = load(chartDir);
        if (!chart.problems().isEmpty()) {
            throw new ChartException(chart.problems());
        }
        String name = chart.yaml().get("name").asText();
        // put() keeps an existing key where it is, so the file keeps its key order.
        chart.yaml().put("version", version);
        chart.yaml().put("appVersion", appVersion);
        byte[] chartYaml = yaml.writeValueAsBytes(chart.yaml());

        List<ArchiveWriter.Entry> entries = new ArrayList<>();
        for (Path file : files(chartDir, chart.ignored())) {
            String relative = ArchiveWriter.relativeName(chartDir, file);
            String entryName = name + "/" + relative;
            entries.add(relative.equals(CHART_YAML)
                    ? ArchiveWriter.Entry.bytes(entryName, chartYaml, ArchiveWriter.FILE_MODE)
                    : ArchiveWriter.Entry.file(entryName, file, ArchiveWriter.mode(file)));
        }
        entries.sort(Comparator.comparing(ArchiveWriter.Entry::name));

        Path target = outputDir.resolve(fileName(fileNamePattern, name, version, appVersion));
        ArchiveWriter.writeTarGz(entries, target, mtime);
        return new ChartPackage(name, version, appVersion, target);
    }

    /** Chart.yaml as a tree, the .helmignore rules and what is wrong with either. */
    private record Chart(ObjectNode yaml, Predicate<Entry> ignored, List<String> problems) { }

    /** A path relative to the chart directory, "/"-separated, and whether it is a directory. */
    private record Entry(String path, boolean directory) { }

    private Chart load(Path chartDir) {
        List<String> problems = new ArrayList<>();
        ObjectNode chartYaml = readChartYaml(chartDir.resolve(CHART_YAML), problems);
        Predicate<Entry> ignored = readHelmignore(chartDir.resolve(HELMIGNORE), problems);
        return new Chart(chartYaml, ignored, List.copyOf(problems));
    }

    private ObjectNode readChartYaml(Path file, List<String> problems) {
        if (!Files.isRegularFile(file)) {
            problems.add(file + ": a chart must have a " + CHART_YAML + ": not found");
            return null;
        }
        JsonNode root;
        try {
            root = yaml.readTree(file.toFile());
        } catch (JacksonException e) {
            problems.add(file + ": must be valid YAML: " + e.getOriginalMessage());
            return null;
        } catch (IOException e) {
            problems.add(file + ": must be readable: " + e.getMessage());
            return null;
        }
        if (!(root instanceof ObjectNode chartYaml)) {
            problems.add(file + ": must be a YAML mapping: got " + (root == null || root.isMissingNode() ? "an empty file" : root.getNodeType()));
            return null;
        }
        String apiVersion = text(chartYaml.get("apiVersion"));
        if (!"v2".equals(apiVersion)) {
            problems.add(file + ": apiVersion must be v2: got " + shown(apiVersion));
        }
        String name = text(chartYaml.get("name"));
        if (name == null || name.isBlank()) {
            problems.add(file + ": name must not be empty: got " + shown(name));
        } else if (!CHART_NAME.matcher(name).matches()) {
            problems.add(file + ": name must be a valid chart name (" + NAME_RULE + "): got " + name);
        }
        String version = text(chartYaml.get("version"));
        if (version == null || version.isBlank()) {
            problems.add(file + ": version must be present: got " + shown(version));
        }
        return chartYaml;
    }

    /**
     * The subset of .helmignore that helm's own rules share with gitignore: comments, exact names and
     * {@code *}/{@code ?}/{@code [...]} globs (matched against the base name, or against the whole relative path
     * when the rule has a "/"), a leading "/" to anchor and a trailing "/" for directories only. Negation and
     * {@code **} are refused rather than half-supported, because helm's semantics for them are its own.
     */
    private static Predicate<Entry> readHelmignore(Path file, List<String> problems) {
        List<String> lines = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            try {
                lines.addAll(Files.readAllLines(file));
            } catch (IOException e) {
                problems.add(file + ": must be readable: " + e.getMessage());
            }
        }
        Predicate<Entry> ignored = rule(DEFAULT_RULE);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("!")) {
                problems.add(file + ":" + (i + 1) + ": negated rules (!) are not supported: got " + line);
            } else if (line.contains("**")) {
                problems.add(file + ":" + (i + 1) + ": ** is not supported: got " + line);
            } else {
                ignored = ignored.or(rule(line));
            }
        }
        return ignored;
    }

    private static Predicate<Entry> rule(String line) {
        boolean directoryOnly = line.endsWith("/");
        String rule = directoryOnly ? line.substring(0, line.length() - 1) : line;
        boolean wholePath = rule.contains("/");
        Pattern glob = glob(rule.startsWith("/") ? rule.substring(1) : rule);
        return entry -> (entry.directory() || !directoryOnly)
                && glob.matcher(wholePath ? entry.path() : entry.path().substring(entry.path().lastIndexOf('/') + 1)).matches();
    }

    /** A glob as Go's filepath.Match reads it, which is what helm uses: wildcards never cross a "/". */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                case '\\' -> regex.append(Pattern.quote(i + 1 < glob.length() ? String.valueOf(glob.charAt(++i)) : "\\"));
                case '[' -> {
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) {
                        regex.append(Pattern.quote("["));
                        break;
                    }
                    String set = glob.substring(i + 1, end);
                    if (set.startsWith("^") || set.startsWith("!")) {
                        set = "^" + set.substring(1);
                    }
                    regex.append('[').append(set.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                    i = end;
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** The chart's files that are not ignored; an ignored directory is not entered at all. */
    private static List<Path> files(Path chartDir, Predicate<Entry> ignored) throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(chartDir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(chartDir)) {
                    return FileVisitResult.CONTINUE;
                }
                boolean skip = VCS_DIRS.contains(dir.getFileName().toString())
                        || ignored.test(new Entry(ArchiveWriter.relativeName(chartDir, dir), true));
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && !ignored.test(new Entry(ArchiveWriter.relativeName(chartDir, file), false))) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    static String fileName(String pattern, String name, String version, String appVersion) {
        Matcher m = PLACEHOLDER.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "name" -> name;
                case "version" -> version;
                case "appVersion" -> appVersion;
                default -> throw new IllegalArgumentException("chart file name " + pattern
                        + ": unknown placeholder {" + m.group(1) + "}, expected {name}, {version} or {appVersion}");
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        String fileName = out.toString();
        if (fileName.isEmpty() || fileName.contains("/") || fileName.contains("\\") || fileName.equals("..") || fileName.equals(".")) {
            throw new IllegalArgumentException("chart file name " + pattern + " must give a plain file name: got " + fileName);
        }
        return fileName;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.isValueNode() ? node.asText() : node.toString();
    }

    private static String shown(String value) {
        return value == null ? "nothing" : value.isBlank() ? "\"" + value + "\"" : value;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("chart " + what + " must not be blank");
        }
    }
}
