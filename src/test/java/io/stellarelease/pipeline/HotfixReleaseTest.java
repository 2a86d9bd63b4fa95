package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.state.ReleaseRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Hotfixes suite-YYYY.MM.N: only of a released suite, inheriting its channel from the release history. */
class HotfixReleaseTest extends PipelineTestSupport {

    @BeforeEach
    void readyForStableAndAHotfixSection() throws Exception {
        Path checklist = workspace.resolve("docs/release/CHECKLIST.md");
        Files.writeString(checklist, Files.readString(checklist).replace("- [ ]", "- [x]"));
        Path changelog = workspace.resolve("CHANGELOG.md");
        Files.writeString(changelog, Files.readString(changelog).replace("## [2026.04] - 2026-04-15",
                "## [2026.04.1] - 2026-05-02\n\n### Fixed\n- Notify: duplicate deliveries.\n\n## [2026.04] - 2026-04-15"));
    }

    @Test
    void aHotfixNeedsItsSuiteReleasedAndInheritsItsChannel() throws Exception {
        ReleaseRun early = release("suite-2026.04.1", true);
        assertThat(early.getFailure()).contains("suite-2026.04.1: a hotfix must fix a released suite: 2026.04 is not in the release history");
        assertThat(out.resolve("2026.04.1")).doesNotExist();

        // A dry run releases nothing, so it does not count as the release a hotfix fixes.
        assertThat(release("suite-2026.04-nova-stable", true, true).isSucceeded()).isTrue();
        assertThat(release("suite-2026.04.1", true).getFailure()).contains("is not in the release history");

        ReleaseRun base = release("suite-2026.04-nova-stable", true);
        assertThat(base.getFailure()).isNull();
        assertThat(tmp.resolve("state/history/suites/suite-2026.04-nova-stable.yaml")).exists();

        ReleaseRun hotfix = release("suite-2026.04.1", true);
        assertThat(hotfix.getFailure()).isNull();
        assertThat(hotfix.getSuite().channel()).isEqualTo("stable");
        Path dir = out.resolve("2026.04.1");
        JsonNode manifest = Fixtures.YAML.readTree(dir.resolve("suite-2026.04.1.yaml").toFile());
        assertThat(manifest.at("/suite/version").asText()).isEqualTo("2026.04.1");
        assertThat(manifest.at("/suite/codename").asText()).isEqualTo("Nova");
        assertThat(manifest.at("/suite/channel").asText()).isEqualTo("stable");
        assertThat(manifest.at("/suite/hotfixOf").asText()).isEqualTo("2026.04");
        assertThat(manifest.at("/suite/fixes").asText()).isEqualTo("suite-2026.04-nova-stable");
        assertThat(manifest.at("/suite/support/prerelease").asBoolean()).isFalse();
        assertThat(Fixtures.run(dir, "sha256sum", "--strict", "-c", "SHA256SUMS-2026.04.1.txt")).doesNotContain("FAILED");
        assertThat(dir.resolve("helm/stellaops-2026.04.1.tgz")).exists();
        assertThat(dir.resolve("cli/stella-2026.04.1-linux-x64.tar.gz")).exists();
        String tags = hotfix.stage("build-containers").orElseThrow().getSteps().get(0).details().get("tags");
        assertThat(Arrays.asList(tags.split(","))).containsExactly("2026.04.1", "stable", "latest");
        assertThat(tmp.resolve("state/history/suites/suite-2026.04.1.yaml")).exists();

        // A channel in the tag must be the inherited one.
        assertThat(release("suite-2026.04.2-nova-lts", true).getFailure()).contains(
                "a hotfix keeps the channel of the release it fixes: suite-2026.04-nova-stable is stable, got lts");
    }
}
