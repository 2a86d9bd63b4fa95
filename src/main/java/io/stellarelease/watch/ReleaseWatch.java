package io.stellarelease.watch;

import io.stellarelease.announce.AnnouncementTemplate;
import io.stellarelease.announce.Announcements;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.history.ReleaseWatches;
import io.stellarelease.history.ReleaseWatches.Breach;
import io.stellarelease.history.ReleaseWatches.CheckResult;
import io.stellarelease.history.ReleaseWatches.Watch;
import io.stellarelease.state.ReleaseRun;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The post-release watch. The {@code watch} stage (last of a real suite release) starts one: a record in the release
 * history, {@code watching} until {@code now + watch.window}. Under {@code serve}, {@link #round()} (the route
 * {@code routes/service/release-watch.yaml}, every {@code stella.watch.interval}) runs the checks for every watch still
 * open: the first breach closes it {@code degraded} (check, value, threshold, time) and announces that once; a window
 * that passes without one closes it {@code healthy}. Everything is in the record, written durably at each step, so a
 * restarted serve carries on: the first round after a start closes the watches whose window ended while no serve ran,
 * with what they had seen until then, and says so.
 */
public class ReleaseWatch {
    private static final Logger LOG = LoggerFactory.getLogger("stella.watch");
    public static final String NOTICE = "degraded";

    static final String DEFAULT_TEMPLATE = """
            # StellaOps ${version} ${codename} degraded

            The post-release watch of ${tag} found a breached check ${after} after the release:

            - check: ${check} (${kind})
            - value: ${value} (threshold: ${threshold})
            - at: ${at}
            - ${detail}

            Release: ${releaseUrl}
            """;

    private final ReleaseConfig config;
    private final ReleaseHistory history;
    private final ReleaseWatches watches;
    private final Announcements announcements;
    private final Clock clock;
    private boolean resumed;

    public ReleaseWatch(ReleaseConfig config, ReleaseHistory history, Announcements announcements, Clock clock) {
        this.config = config;
        this.history = history;
        this.watches = new ReleaseWatches(history);
        this.announcements = announcements;
        this.clock = clock;
    }

    /** Why the watch stage starts nothing, or null. */
    public String skipReason(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        if (config.watch() == null) {
            return "no post-release watch configured (watch in the release configuration)";
        }
        if (!config.watch().on()) {
            return "post-release watch off (watch.enabled: false)";
        }
        if (run.isModuleRelease()) {
            return "module releases are not watched";
        }
        return null;
    }

    /** The watch stage: the release's watch, {@code watching} for the window from now; a release run again keeps its watch. */
    public String start(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        String tag = run.releaseTag();
        Optional<Watch> earlier = watches.get(tag);
        if (earlier.isPresent()) {
            return "watch started earlier (" + earlier.get().startedAt() + "): " + earlier.get().status();
        }
        Instant now = clock.instant();
        Duration window = config.watch().windowOrDefault();
        watches.put(new Watch(tag, run.version(), ReleaseWatches.WATCHING, window.toString(), now, now.plus(window), 0, null,
                List.of(), null, null, null, null, null));
        LOG.info("{}: watching for {} (until {}): {}", tag, window, now.plus(window), checkNames());
        return watches.file(tag).toString();
    }

    /**
     * One round over every open watch. The first round of a process closes those whose window ended while no serve ran.
     * A watch that fails here (an unreadable record, a full disk) is logged and tried again next round.
     */
    public synchronized void round() {
        boolean first = !resumed;
        resumed = true;
        ReleaseConfig.Watch settings = config.watch();
        List<Watch> all = watches.all();
        List<WatchProbes.Outcome> outcomes = null;
        for (Watch w : all) {
            try {
                if (w.status().equals(ReleaseWatches.DEGRADED) && Boolean.FALSE.equals(w.announced())) {
                    announce(w);
                    continue;
                }
                if (!w.status().equals(ReleaseWatches.WATCHING) || settings == null || !settings.on()) {
                    continue;
                }
                Instant now = clock.instant();
                if (!now.isBefore(w.endsAt())) {
                    close(w, now, first);
                    continue;
                }
                if (first) {
                    LOG.info("{}: watch resumed until {} ({} rounds so far)", w.tag(), w.endsAt(), w.rounds());
                }
                if (outcomes == null) { // one round of checks serves every open watch: they watch the same deployment
                    outcomes = new WatchProbes(settings).round();
                    outcomes.stream().filter(o -> !o.breached() && !o.result().ok()).forEach(o -> LOG.warn("watch check {}: {}", o.result().check(), o.result().detail()));
                }
                advance(w, clock.instant(), outcomes);
            } catch (RuntimeException e) {
                LOG.warn("{}: watch round failed, tried again next round: {}", w.tag(), e.getMessage());
            }
        }
    }

    private void advance(Watch w, Instant at, List<WatchProbes.Outcome> outcomes) {
        List<CheckResult> results = outcomes.stream().map(WatchProbes.Outcome::result).toList();
        Watch checked = w.checked(at, results);
        Optional<WatchProbes.Outcome> breached = outcomes.stream().filter(WatchProbes.Outcome::breached).findFirst();
        if (breached.isEmpty()) {
            watches.put(checked);
            return;
        }
        CheckResult r = breached.get().result();
        Breach breach = new Breach(r.check(), r.kind(), r.value(), breached.get().threshold(), at, r.detail());
        Watch degraded = checked.closed(ReleaseWatches.DEGRADED, at, breach, null).announcedNow(false, null);
        watches.put(degraded);
        LOG.warn("{}: degraded: {} = {} ({}) at {}, {} after the release", w.tag(), r.check(), r.value(), breach.threshold(), at,
                Duration.between(w.startedAt(), at).withNanos(0));
        announce(degraded);
    }

    private void close(Watch w, Instant now, boolean whileDown) {
        String note = null;
        if (whileDown) {
            note = "the window ended at " + w.endsAt() + " while serve was not running: closed with the outcome so far ("
                    + w.rounds() + " clean round(s)" + (w.lastCheckedAt() == null ? ", none made" : ", the last at " + w.lastCheckedAt()) + ")";
        }
        watches.put(w.closed(ReleaseWatches.HEALTHY, now, null, note));
        LOG.info("{}: healthy: the {} window passed without a breach ({} rounds){}", w.tag(), w.window(), w.rounds(),
                note == null ? "" : "; " + note);
    }

    /** The degraded notice, to every announce target not sent it yet; a failure is retried on the next round. */
    private void announce(Watch w) {
        ReleaseConfig.Watch settings = config.watch();
        if (settings == null || !settings.announces() || !announcements.hasTargets()) {
            watches.put(w.announcedNow(null, settings != null && !settings.announces() ? "not announced (watch.announce: false)"
                    : "not announced: no announce targets configured"));
            return;
        }
        List<String> failures = announcements.noticeOnce(w.tag(), NOTICE, message(w));
        watches.put(w.announcedNow(failures.isEmpty(), failures.isEmpty() ? null : String.join("; ", failures)));
        if (failures.isEmpty()) {
            LOG.info("{}: degraded announced", w.tag());
        } else {
            LOG.warn("{}: degraded notice not sent to every target, tried again next round: {}", w.tag(), String.join("; ", failures));
        }
    }

    Announcements.Message message(Watch w) {
        String template = DEFAULT_TEMPLATE;
        String where = "the built-in degraded notice";
        if (config.watch().template() != null) {
            Path file = Path.of(config.watch().template());
            try {
                template = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException("watch.template " + file.toAbsolutePath() + " cannot be read", e);
            }
            where = file.toString();
        }
        Map<String, String> v = new LinkedHashMap<>();
        Optional<ReleaseHistory.Entry> entry = history.entries().stream().filter(e -> e.tag().equals(w.tag())).findFirst();
        v.put("tag", w.tag());
        v.put("version", w.version());
        v.put("codename", entry.map(ReleaseHistory.Entry::codename).orElse(""));
        v.put("channel", entry.map(ReleaseHistory.Entry::channel).orElse(""));
        Breach b = w.breach();
        v.put("check", b.check());
        v.put("kind", b.kind());
        v.put("value", String.valueOf(b.value()));
        v.put("threshold", b.threshold());
        v.put("at", b.at().toString());
        v.put("after", Duration.between(w.startedAt(), b.at()).withNanos(0).toString().substring(2).toLowerCase());
        v.put("detail", b.detail() == null ? "" : b.detail());
        v.put("window", w.window());
        ReleaseConfig.Gitea gitea = config.gitea();
        v.put("releaseUrl", gitea.url().replaceAll("/+$", "") + "/" + gitea.owner() + "/" + gitea.repo() + "/releases/tag/" + w.tag());
        String text = AnnouncementTemplate.render(where, template, v);
        String first = text.lines().findFirst().orElse("").strip();
        String subject = first.startsWith("# ") ? first.substring(2).strip() : "StellaOps " + w.version() + " degraded";
        return new Announcements.Message(subject.replaceAll("[\\r\\n]+", " "), text);
    }

    private List<String> checkNames() {
        List<String> names = new java.util.ArrayList<>();
        config.watch().health().forEach(h -> names.add("health " + h.name()));
        if (config.watch().prometheus() != null) {
            config.watch().prometheus().queries().forEach(q -> names.add("prometheus " + q.name()));
        }
        return names;
    }
}
