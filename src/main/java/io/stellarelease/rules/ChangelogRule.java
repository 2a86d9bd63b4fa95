package io.stellarelease.rules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The workspace's changelog must have a section (a Markdown heading) for the version being released:
 * {@code ## [2026.04] - 2026-04-15}, {@code ## 2026.04 "Nova"} and {@code ### v1.2.3} all count.
 */
public final class ChangelogRule {

    private ChangelogRule() {
    }

    public static void check(String subject, Path changelog, String version) {
        if (!Files.isRegularFile(changelog)) {
            throw new ReleaseRuleException(subject, "changelog must exist: " + changelog + " not found");
        }
        if (section(changelog, version).isEmpty()) {
            throw new ReleaseRuleException(subject, "changelog must have a section for " + version + ": "
                    + changelog.getFileName() + " has no heading naming " + version);
        }
    }

    /** The version's section: its heading and every line up to the next heading of the same or a higher level. */
    public static Optional<String> section(Path changelog, String version) {
        // The version must stand alone: 2026.04 must not match a 2026.04.1 heading.
        Pattern heading = Pattern.compile("^(#{1,6})\\s+.*(?<![\\w.])v?" + Pattern.quote(version) + "(?![\\w]|\\.\\w).*$");
        List<String> lines;
        try {
            lines = Files.readAllLines(changelog);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = heading.matcher(lines.get(i));
            if (m.matches()) {
                int level = m.group(1).length();
                int end = i + 1;
                while (end < lines.size() && !isHeadingUpTo(lines.get(end), level)) {
                    end++;
                }
                return Optional.of(String.join("\n", lines.subList(i, end)).strip());
            }
        }
        return Optional.empty();
    }

    private static boolean isHeadingUpTo(String line, int level) {
        int hashes = 0;
        while (hashes < line.length() && line.charAt(hashes) == '#') {
            hashes++;
        }
        return hashes > 0 && hashes <= level && hashes < line.length() && line.charAt(hashes) == ' ';
    }
}
