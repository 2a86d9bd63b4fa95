package io.stellarelease.rules;


import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rollback, fully resolved, as the tag its run is recorded under: {@code rollback-module-authority-v1.3.0} (the
 * module's image back to 1.3.0), {@code rollback-suite-v2026.04} (every image of that suite release back) or
 * {@code rollback-helm-r3} (the chart to Helm revision 3; {@code r0}: Helm's previous revision) or
 * {@code rollback-database-v2026.04} (services stopped, databases restored from the backup holding 2026.04's data,
 * checked, every image back to 2026.04, services started). The tag is written by
 * {@link RollbackPlanner#resolve} only, after the request was checked against the release history.
 */
public record RollbackTag(String tag, String mode, String target, String module, String version, int revision) {
    public static final String PREFIX = "rollback-";
    private static final Pattern MODULE = Pattern.compile("rollback-module-([a-z][a-z0-9]*)-v([0-9A-Za-z.+-]+)");
    private static final Pattern SUITE = Pattern.compile("rollback-suite-v(.+)");
    private static final Pattern HELM = Pattern.compile("rollback-helm-r(\\d{1,9})");
    private static final Pattern DATABASE = Pattern.compile("rollback-database-v(.+)");

    public static boolean isRollbackTag(String tag) {
        return tag != null && tag.startsWith(PREFIX);
    }

    public static RollbackTag parse(String tag) {
        Matcher m = MODULE.matcher(tag);
        if (m.matches()) {
            return new RollbackTag(tag, "containers", "module", m.group(1), m.group(2), 0);
        }
        m = SUITE.matcher(tag);
        if (m.matches() && SuiteVersion.isVersion(m.group(1))) {
            return new RollbackTag(tag, "containers", "suite", null, m.group(1), 0);
        }
        m = HELM.matcher(tag);
        if (m.matches()) {
            return new RollbackTag(tag, "helm", "suite", null, null, Integer.parseInt(m.group(1)));
        }
        m = DATABASE.matcher(tag);
        if (m.matches() && SuiteVersion.isVersion(m.group(1))) {
            return new RollbackTag(tag, "database", "suite", null, m.group(1), 0);
        }
        throw new IllegalArgumentException("not a rollback tag: " + tag);
    }

    /** What the run's version column shows: the version rolled back to, or the Helm revision. */
    public String label() {
        return version != null ? version : "r" + revision;
    }
}
