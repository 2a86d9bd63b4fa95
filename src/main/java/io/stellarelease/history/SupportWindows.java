package io.stellarelease.history;

import io.stellarelease.config.ReleaseConfig;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Support on a given date, from the channel rules of the configuration ({@code channels.<name>.standardSupport},
 * {@code securitySupport}), counted from the date the suite version was first released on that channel: a hotfix (same channel) shares the window of
 * the release it fixes, so patching never extends support. A channel without windows (edge) is supported until a
 * newer suite version is released on it. Modules have no windows of their own: the newest version is current.
 */
public class SupportWindows {
    public static final String STANDARD = "standard";
    public static final String SECURITY_ONLY = "security-only";
    public static final String OUT_OF_SUPPORT = "out-of-support";
    public static final String NOT_YET_RELEASED = "not-yet-released";
    public static final String CURRENT = "current";
    public static final String SUPERSEDED = "superseded";

    /** A release's support on a date; the window ends are null where the channel has none. */
    public record Support(String status, LocalDate standardUntil, LocalDate securityUntil) { }

    private final ReleaseConfig config;

    public SupportWindows(ReleaseConfig config) {
        this.config = config;
    }

    public Support on(ReleaseHistory.Entry release, List<ReleaseHistory.Entry> history, LocalDate date) {
        return on(history, date).apply(release);
    }

    /**
     * The support of any release of {@code history} on {@code date}, by the rules of {@link #on(ReleaseHistory.Entry, List,
     * LocalDate)}: the history is gone through once here, and each release's answer is then a look-up, so answering for
     * every release of a long history costs one pass rather than one per release.
     */
    public java.util.function.Function<ReleaseHistory.Entry, Support> on(List<ReleaseHistory.Entry> history, LocalDate date) {
        // Modules: the newest release of each by then. Suites: the first day of each (suite version, channel), and the
        // newest suite version of each channel by then.
        java.util.Map<String, java.time.Instant> newestModule = new java.util.HashMap<>();
        java.util.Map<List<String>, LocalDate> firstDay = new java.util.HashMap<>();
        java.util.Map<String, String> newestSuiteVersion = new java.util.HashMap<>();
        for (ReleaseHistory.Entry e : history) {
            boolean released = !day(e).isAfter(date);
            if (e.kind().equals("module")) {
                if (released) {
                    newestModule.merge(e.name(), e.releasedAt(), (a, b) -> b.isAfter(a) ? b : a);
                }
            } else if (e.kind().equals("suite")) {
                firstDay.merge(java.util.Arrays.asList(e.suiteVersion(), e.channel()), day(e), (a, b) -> b.isBefore(a) ? b : a);
                if (released) {
                    newestSuiteVersion.merge(e.channel(), e.suiteVersion(), (a, b) -> b.compareTo(a) > 0 ? b : a);
                }
            }
        }
        return release -> {
            if (day(release).isAfter(date)) {
                return new Support(NOT_YET_RELEASED, null, null);
            }
            if (release.kind().equals("module")) {
                java.time.Instant newest = newestModule.get(release.name());
                boolean newer = newest != null && newest.isAfter(release.releasedAt());
                return new Support(newer ? SUPERSEDED : CURRENT, null, null);
            }
            LocalDate start = firstDay.getOrDefault(java.util.Arrays.asList(release.suiteVersion(), release.channel()), day(release));
            String newestOnChannel = newestSuiteVersion.get(release.channel());
            boolean superseded = newestOnChannel != null && newestOnChannel.compareTo(release.suiteVersion()) > 0;
            return support(release, start, superseded, date);
        };
    }

    private Support support(ReleaseHistory.Entry release, LocalDate start, boolean superseded, LocalDate date) {
        ReleaseConfig.Channel rules = Optional.ofNullable(config.channels().get(release.channel()))
                .orElse(new ReleaseConfig.Channel(false, List.of(), null, null));
        LocalDate standard = rules.standardSupport() == null ? null : start.plus(rules.standardSupport());
        LocalDate security = rules.securitySupport() == null ? null : start.plus(rules.securitySupport());
        String status;
        if (standard == null && security == null) {
            status = superseded ? OUT_OF_SUPPORT : STANDARD;
        } else if (standard != null && !date.isAfter(standard)) {
            status = STANDARD;
        } else if (security != null && !date.isAfter(security)) {
            status = SECURITY_ONLY;
        } else {
            status = OUT_OF_SUPPORT;
        }
        return new Support(status, standard, security);
    }

    static LocalDate day(ReleaseHistory.Entry e) {
        return e.releasedAt().atZone(ZoneOffset.UTC).toLocalDate();
    }
}
