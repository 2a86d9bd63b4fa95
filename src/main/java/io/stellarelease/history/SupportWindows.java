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
        if (day(release).isAfter(date)) {
            return new Support(NOT_YET_RELEASED, null, null);
        }
        if (release.kind().equals("module")) {
            boolean newer = history.stream().anyMatch(e -> e.kind().equals("module") && e.name().equals(release.name())
                    && !day(e).isAfter(date) && e.releasedAt().isAfter(release.releasedAt()));
            return new Support(newer ? SUPERSEDED : CURRENT, null, null);
        }
        LocalDate start = history.stream()
                .filter(e -> e.kind().equals("suite") && e.suiteVersion().equals(release.suiteVersion())
                        && release.channel().equals(e.channel()))
                .map(SupportWindows::day).min(LocalDate::compareTo).orElse(day(release));
        ReleaseConfig.Channel rules = Optional.ofNullable(config.channels().get(release.channel()))
                .orElse(new ReleaseConfig.Channel(false, List.of(), null, null));
        LocalDate standard = rules.standardSupport() == null ? null : start.plus(rules.standardSupport());
        LocalDate security = rules.securitySupport() == null ? null : start.plus(rules.securitySupport());
        String status;
        if (standard == null && security == null) {
            boolean superseded = history.stream().anyMatch(e -> e.kind().equals("suite") && !day(e).isAfter(date)
                    && release.channel().equals(e.channel()) && e.suiteVersion().compareTo(release.suiteVersion()) > 0);
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
