package io.stellarelease.history;

import io.stellarelease.config.ReleaseConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The compatibility matrix: each suite release (hotfixes too) and the module versions it shipped, newest first,
 * generated from the release history's manifests, as JSON and as Markdown.
 */
public class CompatibilityMatrix {
    private final ReleaseConfig config;

    public CompatibilityMatrix(ReleaseConfig config) {
        this.config = config;
    }

    /** The module columns: configured order, then any module only older manifests name. */
    List<String> modules(List<ReleaseHistory.Entry> suites) {
        Set<String> names = new LinkedHashSet<>();
        config.modules().items().forEach(m -> names.add(m.name()));
        suites.forEach(s -> names.addAll(s.modules().keySet()));
        return List.copyOf(names);
    }

    public Map<String, Object> json(List<ReleaseHistory.Entry> history) {
        return json(history, Map.of());
    }

    /** With each suite's post-release watch ({@code watches} by tag): {@code watch} (its status) and, degraded, {@code breach}. */
    public Map<String, Object> json(List<ReleaseHistory.Entry> history, Map<String, ReleaseWatches.Watch> watches) {
        List<ReleaseHistory.Entry> suites = suites(history);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ReleaseHistory.Entry s : suites) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("version", s.version());
            row.put("codename", s.codename());
            row.put("channel", s.channel());
            row.put("tag", s.tag());
            row.put("hotfixOf", s.hotfixOf());
            row.put("releasedAt", SupportWindows.day(s).toString());
            row.put("modules", s.modules());
            ReleaseWatches.Watch watch = watches.get(s.tag());
            row.put("watch", watch == null ? null : watch.status());
            if (watch != null && watch.breach() != null) {
                row.put("breach", watch.breach());
            }
            rows.add(row);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("modules", modules(suites));
        body.put("suites", rows);
        return body;
    }

    public String markdown(List<ReleaseHistory.Entry> history) {
        return markdown(history, Map.of());
    }

    /** The last column says each suite's post-release watch: watching, healthy, or degraded with its breach. */
    public String markdown(List<ReleaseHistory.Entry> history, Map<String, ReleaseWatches.Watch> watches) {
        List<ReleaseHistory.Entry> suites = suites(history);
        List<String> modules = modules(suites);
        StringBuilder md = new StringBuilder("# Compatibility matrix\n\nSuite releases and the module versions each shipped, newest first.\n\n");
        md.append("| suite | codename | channel | released |");
        modules.forEach(m -> md.append(' ').append(m).append(" |"));
        md.append(" watch |\n|---|---|---|---|");
        modules.forEach(m -> md.append("---|"));
        md.append("---|\n");
        for (ReleaseHistory.Entry s : suites) {
            md.append("| ").append(s.version()).append(" | ").append(s.codename()).append(" | ").append(s.channel())
                    .append(" | ").append(SupportWindows.day(s)).append(" |");
            modules.forEach(m -> md.append(' ').append(s.modules().getOrDefault(m, "–")).append(" |"));
            md.append(' ').append(watchCell(watches.get(s.tag()))).append(" |\n");
        }
        return md.toString();
    }

    /** {@code degraded: error-rate 0.31 (max 0.05) at 2026-04-16T10:00:00Z}, {@code healthy}, {@code watching}, or –. */
    static String watchCell(ReleaseWatches.Watch watch) {
        if (watch == null) {
            return "–";
        }
        ReleaseWatches.Breach b = watch.breach();
        String cell = b == null ? watch.status()
                : watch.status() + ": " + b.check() + " " + b.value() + " (" + b.threshold() + ") at " + b.at();
        return cell.replace("|", "\\|").replaceAll("[\r\n]+", " ");
    }

    private static List<ReleaseHistory.Entry> suites(List<ReleaseHistory.Entry> history) {
        List<ReleaseHistory.Entry> suites = new ArrayList<>(history.stream().filter(e -> e.kind().equals("suite")).toList());
        java.util.Collections.reverse(suites);
        return suites;
    }
}
