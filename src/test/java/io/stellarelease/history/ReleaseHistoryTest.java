package io.stellarelease.history;

import io.stellarelease.config.ConfigLoader;
import io.stellarelease.config.ReleaseConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Support windows and the compatibility matrix, from manifests in a release history and the repository's channel rules. */
class ReleaseHistoryTest {
    @TempDir
    Path tmp;
    ReleaseHistory history;
    final ReleaseConfig config = ConfigLoader.load(Path.of("config/release.yaml"));
    final SupportWindows windows = new SupportWindows(config);

    @BeforeEach
    void history() throws IOException {
        history = new ReleaseHistory(tmp.resolve("history"));
        suite("suite-2026.04-nova-lts", "2026.04", null, "Nova", "lts", "2026-04-15", "1.4.0", "1.2.3");
        suite("suite-2026.04.1", "2026.04.1", "2026.04", "Nova", "lts", "2026-05-02", "1.4.1", "1.2.3");
        suite("suite-2026.10-orion-stable", "2026.10", null, "Orion", "stable", "2026-10-15", "1.5.0", "1.3.0");
        suite("suite-2026.10-orion", "2026.10", null, "Orion", "edge", "2026-10-14", "1.5.0", "1.3.0");
        suite("suite-2027.04-pulsar", "2027.04", null, "Pulsar", "edge", "2027-04-15", "1.6.0", "1.3.0");
        module("module-authority-v1.4.0", "1.4.0", "2026-04-10");
        module("module-authority-v1.4.1", "1.4.1", "2026-06-01");
    }

    @Test
    void keepsEveryManifestAndReadsThemBack() {
        List<ReleaseHistory.Entry> all = history.entries();
        assertThat(all).extracting(ReleaseHistory.Entry::tag).containsExactly("module-authority-v1.4.0",
                "suite-2026.04-nova-lts", "suite-2026.04.1", "module-authority-v1.4.1", "suite-2026.10-orion",
                "suite-2026.10-orion-stable", "suite-2027.04-pulsar");
        assertThat(history.suiteRelease("2026.04")).map(ReleaseHistory.Entry::tag).contains("suite-2026.04-nova-lts");
        assertThat(history.suiteRelease("2026.04.1")).isEmpty();
        assertThat(history.suiteRelease("2028.04")).isEmpty();
    }

    @Test
    void ltsIsStandardThenSecurityOnlyAndAHotfixSharesTheWindowOfWhatItFixes() {
        List<ReleaseHistory.Entry> all = history.entries();
        ReleaseHistory.Entry lts = tag(all, "suite-2026.04-nova-lts");
        ReleaseHistory.Entry hotfix = tag(all, "suite-2026.04.1");
        assertThat(windows.on(lts, all, LocalDate.parse("2029-04-15")))
                .isEqualTo(new SupportWindows.Support("standard", LocalDate.parse("2029-04-15"), LocalDate.parse("2031-04-15")));
        assertThat(windows.on(hotfix, all, LocalDate.parse("2029-04-16")))
                .isEqualTo(new SupportWindows.Support("security-only", LocalDate.parse("2029-04-15"), LocalDate.parse("2031-04-15")));
        assertThat(windows.on(lts, all, LocalDate.parse("2031-04-16")).status()).isEqualTo("out-of-support");
        assertThat(windows.on(hotfix, all, LocalDate.parse("2026-05-01")).status()).isEqualTo("not-yet-released");
    }

    @Test
    void stableHasNoSecurityWindowAndEdgeEndsWithTheNextEdgeRelease() {
        List<ReleaseHistory.Entry> all = history.entries();
        ReleaseHistory.Entry stable = tag(all, "suite-2026.10-orion-stable");
        assertThat(windows.on(stable, all, LocalDate.parse("2027-07-15")).status()).isEqualTo("standard");
        assertThat(windows.on(stable, all, LocalDate.parse("2027-07-16")))
                .isEqualTo(new SupportWindows.Support("out-of-support", LocalDate.parse("2027-07-15"), null));
        ReleaseHistory.Entry edge = tag(all, "suite-2026.10-orion");
        assertThat(windows.on(edge, all, LocalDate.parse("2027-04-14")).status()).isEqualTo("standard");
        assertThat(windows.on(edge, all, LocalDate.parse("2027-04-15")).status()).isEqualTo("out-of-support");
        assertThat(windows.on(tag(all, "suite-2027.04-pulsar"), all, LocalDate.parse("2027-04-15")).status()).isEqualTo("standard");
    }

    @Test
    void aModuleIsCurrentUntilItsNextVersion() {
        List<ReleaseHistory.Entry> all = history.entries();
        assertThat(windows.on(tag(all, "module-authority-v1.4.0"), all, LocalDate.parse("2026-05-01")).status()).isEqualTo("current");
        assertThat(windows.on(tag(all, "module-authority-v1.4.0"), all, LocalDate.parse("2026-06-01")).status()).isEqualTo("superseded");
        assertThat(windows.on(tag(all, "module-authority-v1.4.1"), all, LocalDate.parse("2026-06-01")).status()).isEqualTo("current");
    }

    @Test
    void theMatrixListsSuitesNewestFirstWithTheirModuleVersions() {
        CompatibilityMatrix matrix = new CompatibilityMatrix(config);
        Map<String, Object> json = matrix.json(history.entries());
        assertThat(json.get("modules").toString()).startsWith("[Authority, Signer,");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> suites = (List<Map<String, Object>>) json.get("suites");
        assertThat(suites).extracting(s -> s.get("tag")).containsExactly("suite-2027.04-pulsar",
                "suite-2026.10-orion-stable", "suite-2026.10-orion", "suite-2026.04.1", "suite-2026.04-nova-lts");
        assertThat(suites.get(3)).containsEntry("hotfixOf", "2026.04").containsEntry("modules", Map.of("Authority", "1.4.1", "Signer", "1.2.3"));

        String md = matrix.markdown(history.entries());
        assertThat(md).contains("| suite | codename | channel | released | Authority | Signer | Attestor |")
                .contains("| 2026.04.1 | Nova | lts | 2026-05-02 | 1.4.1 | 1.2.3 | – |");
        assertThat(md.indexOf("| 2027.04 |")).isLessThan(md.indexOf("| 2026.04 |"));
    }

    @Test
    void everyReleaseOfALongHistoryHasTheSupportTheRuleGivesOnEachDate() throws IOException {
        // Hotfixes on every channel, a module in many versions, several suite versions, across years.
        for (int i = 2; i <= 30; i++) {
            String channel = List.of("lts", "stable", "edge").get(i % 3);
            String base = i % 2 == 0 ? "2026.04" : "2026.10";
            suite("suite-" + base + "." + i + "-" + channel, base + "." + i, base, "Nova", channel,
                    LocalDate.parse("2026-05-01").plusDays(i * 29L).toString(), "1.4." + i, "1.2.3");
            module("module-authority-v1.5." + i, "1.5." + i, LocalDate.parse("2026-06-01").plusDays(i * 17L).toString());
        }
        List<ReleaseHistory.Entry> all = history.entries();
        for (String day : List.of("2026-04-09", "2026-04-15", "2026-10-14", "2027-01-01", "2027-04-15", "2027-07-16",
                "2028-03-01", "2029-04-16", "2031-04-16")) {
            LocalDate date = LocalDate.parse(day);
            var supportOn = windows.on(all, date);
            for (ReleaseHistory.Entry e : all) {
                SupportWindows.Support expected = rule(e, all, date);
                assertThat(supportOn.apply(e)).as("%s on %s", e.tag(), day).isEqualTo(expected);
                assertThat(windows.on(e, all, date)).as("%s on %s", e.tag(), day).isEqualTo(expected);
            }
        }
    }

    /** The support rule as first written, one release at a time (a scan of the history per release): the oracle. */
    private SupportWindows.Support rule(ReleaseHistory.Entry release, List<ReleaseHistory.Entry> history, LocalDate date) {
        if (SupportWindows.day(release).isAfter(date)) {
            return new SupportWindows.Support("not-yet-released", null, null);
        }
        if (release.kind().equals("module")) {
            boolean newer = history.stream().anyMatch(e -> e.kind().equals("module") && e.name().equals(release.name())
                    && !SupportWindows.day(e).isAfter(date) && e.releasedAt().isAfter(release.releasedAt()));
            return new SupportWindows.Support(newer ? "superseded" : "current", null, null);
        }
        LocalDate start = history.stream()
                .filter(e -> e.kind().equals("suite") && e.suiteVersion().equals(release.suiteVersion())
                        && release.channel().equals(e.channel()))
                .map(SupportWindows::day).min(LocalDate::compareTo).orElse(SupportWindows.day(release));
        ReleaseConfig.Channel rules = config.channels().get(release.channel());
        LocalDate standard = rules.standardSupport() == null ? null : start.plus(rules.standardSupport());
        LocalDate security = rules.securitySupport() == null ? null : start.plus(rules.securitySupport());
        String status;
        if (standard == null && security == null) {
            boolean superseded = history.stream().anyMatch(e -> e.kind().equals("suite") && !SupportWindows.day(e).isAfter(date)
                    && release.channel().equals(e.channel()) && e.suiteVersion().compareTo(release.suiteVersion()) > 0);
            status = superseded ? "out-of-support" : "standard";
        } else if (standard != null && !date.isAfter(standard)) {
            status = "standard";
        } else if (security != null && !date.isAfter(security)) {
            status = "security-only";
        } else {
            status = "out-of-support";
        }
        return new SupportWindows.Support(status, standard, security);
    }

    @Test
    void aManifestRecordedAgainOrRemovedIsSeenAtTheNextListing() throws IOException {
        assertThat(tag(history.entries(), "suite-2026.10-orion").releasedAt()).hasToString("2026-10-14T10:00:00Z");
        // Released again (the same tag, a new manifest): the listing reads the new one, not the one it read before.
        suite("suite-2026.10-orion", "2026.10", null, "Orion", "edge", "2026-10-16", "1.5.1", "1.3.0");
        ReleaseHistory.Entry again = tag(history.entries(), "suite-2026.10-orion");
        assertThat(again.releasedAt()).hasToString("2026-10-16T10:00:00Z");
        assertThat(again.modules()).containsEntry("Authority", "1.5.1");
        Files.delete(history.dir().resolve("suites").resolve("suite-2027.04-pulsar.yaml"));
        assertThat(history.entries()).extracting(ReleaseHistory.Entry::tag).doesNotContain("suite-2027.04-pulsar").hasSize(6);
    }

    private static ReleaseHistory.Entry tag(List<ReleaseHistory.Entry> all, String tag) {
        return all.stream().filter(e -> e.tag().equals(tag)).findFirst().orElseThrow();
    }

    private void suite(String tag, String version, String hotfixOf, String codename, String channel, String date,
                       String authority, String signer) throws IOException {
        Path manifest = tmp.resolve(tag + ".yaml");
        Files.writeString(manifest, "schema: stella-release/v1\nsuite:\n  version: \"" + version + "\"\n  codename: " + codename
                + "\n  channel: " + channel + "\n  tag: " + tag + "\n" + (hotfixOf == null ? "" : "  hotfixOf: \"" + hotfixOf + "\"\n")
                + "  releasedAt: " + date + "T10:00:00Z\nmodules:\n  - { name: Authority, version: " + authority
                + " }\n  - { name: Signer, version: " + signer + " }\n");
        history.record("suite", tag, manifest);
    }

    private void module(String tag, String version, String date) throws IOException {
        Path manifest = tmp.resolve(tag + ".yaml");
        Files.writeString(manifest, "schema: stella-release/v1\nmodule:\n  name: Authority\n  version: " + version + "\n  tag: "
                + tag + "\n  releasedAt: " + date + "T10:00:00Z\nmodules:\n  - { name: Authority, version: " + version + " }\n");
        history.record("module", tag, manifest);
    }
}
