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
