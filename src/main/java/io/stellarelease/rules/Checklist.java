package io.stellarelease.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The pre-release checklist: a Markdown task list ({@code - [x] done}, {@code - [ ] open}). */
public record Checklist(Path file, List<String> ticked, List<String> open) {

    private static final Pattern TASK = Pattern.compile("^\\s*[-*+]\\s+\\[([ xX])]\\s+(.*?)\\s*$");

    public static Checklist read(Path file) {
        List<String> ticked = new ArrayList<>();
        List<String> open = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                Matcher m = TASK.matcher(line);
                if (m.matches()) {
                    (m.group(1).isBlank() ? open : ticked).add(m.group(2));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Checklist(file, List.copyOf(ticked), List.copyOf(open));
    }

    public boolean isEmpty() {
        return ticked.isEmpty() && open.isEmpty();
    }
}
