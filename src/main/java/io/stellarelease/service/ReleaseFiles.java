package io.stellarelease.service;

import io.stellarelease.intake.HttpAnswerException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The files a release left in its directory, for the run API: listed, and served one at a time. Only
 * what a release publishes is served (not its working files, not its state); a path is checked segment
 * by segment and again after resolving links, so no request can read outside the release directory.
 */
public final class ReleaseFiles {
    /** Not served: the commands' scratch space and Jib's cache, and the run state (it has its own API). */
    private static final List<String> HIDDEN = List.of("work", "state.json");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_+@-][A-Za-z0-9._+@-]{0,199}");
    private static final int MAX_LISTED = 2000;

    public record Entry(String path, long size, String url) { }

    private ReleaseFiles() {
    }

    /**
     * Published files, sorted by path; logs are left to the log API. A running release changes its directory
     * while this walks it (a step's pid file comes and goes): a file that vanishes is simply not listed. The
     * logs, the scratch space and Jib's cache are not walked at all.
     */
    public static List<Entry> list(String runId, Path releaseDir) {
        if (releaseDir == null || !Files.isDirectory(releaseDir)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        try {
            Files.walkFileTree(releaseDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String rel = relative(releaseDir, dir);
                    return rel.isEmpty() || !(hidden(rel) || rel.equals("logs")) ? FileVisitResult.CONTINUE
                            : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String rel = relative(releaseDir, file);
                    if (attrs.isRegularFile() && !hidden(rel)) {
                        entries.add(new Entry(rel, attrs.size(), "/api/v1/runs/" + runId + "/files/" + rel));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the files of " + releaseDir, e);
        }
        entries.sort(Comparator.comparing(Entry::path));
        return entries.size() > MAX_LISTED ? List.copyOf(entries.subList(0, MAX_LISTED)) : entries;
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    /** The file at {@code relative} inside {@code releaseDir}, or a 400/404 answer. */
    public static Path resolve(Path releaseDir, String relative) {
        if (relative == null || relative.isBlank()) {
            throw new HttpAnswerException(400, "a file path is needed, e.g. summary.md");
        }
        String[] segments = relative.split("/", -1);
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new HttpAnswerException(400, "not a release file path: '" + relative + "'");
            }
        }
        if (hidden(relative)) {
            throw new HttpAnswerException(404, "not a published file: '" + relative + "'");
        }
        try {
            Path root = releaseDir.toRealPath();
            Path file = root.resolve(relative).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file) || !file.toRealPath().startsWith(root)) {
                throw new HttpAnswerException(404, "no file '" + relative + "' in this release");
            }
            return file;
        } catch (IOException e) {
            throw new HttpAnswerException(404, "no file '" + relative + "' in this release");
        }
    }

    /** Text the browser may show, everything else as a download; never anything it would run as a page. */
    public static Map<String, String> headers(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String type;
        if (name.endsWith(".json")) {
            type = "application/json";
        } else if (name.endsWith(".md") || name.endsWith(".txt") || name.endsWith(".yaml") || name.endsWith(".yml")
                || name.endsWith(".log")) {
            type = "text/plain; charset=utf-8";
        } else {
            return Map.of("Content-Type", "application/octet-stream", "X-Content-Type-Options", "nosniff",
                    "Content-Disposition", "attachment; filename=\"" + file.getFileName().toString().replace("\"", "") + "\"");
        }
        return Map.of("Content-Type", type, "X-Content-Type-Options", "nosniff");
    }

    private static boolean hidden(String relative) {
        String first = relative.split("/", 2)[0];
        return HIDDEN.contains(first);
    }
}
