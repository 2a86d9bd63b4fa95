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
            rows.add(row);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("modules", modules(suites));
        body.put("suites", rows);
        return body;
    }

    public String markdown(List<ReleaseHistory.Entry> history) {
        List<ReleaseHistory.Entry> suites = suites(history);
        List<String> modules = modules(suites);
        StringBuilder md = new StringBuilder("# Compatibility matrix\n\nSuite releases and the module versions each shipped, newest first.\n\n");
        md.append("| suite | codename | channel | released |");
        modules.forEach(m -> md.append(' ').append(m).append(" |"));
        md.append("\n|---|---|---|---|");
        modules.forEach(m -> md.append("---|"));
        md.append('\n');
        for (ReleaseHistory.Entry s : suites) {
            md.append("| ").append(s.version()).append(" | ").append(s.codename()).append(" | ").append(s.channel())
                    .append(" | ").append(SupportWindows.day(s)).append(" |");
            modules.forEach(m -> md.append(' ').append(s.modules().getOrDefault(m, "–")).append(" |"));
            md.append('\n');
        }
        return md.toString();
    }

    private static List<ReleaseHistory.Entry> suites(List<ReleaseHistory.Entry> history) {
        List<ReleaseHistory.Entry> suites = new ArrayList<>(history.stream().filter(e -> e.kind().equals("suite")).toList());
        java.util.Collections.reverse(suites);
        return suites;
    }
}
