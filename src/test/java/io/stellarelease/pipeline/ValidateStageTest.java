package io.stellarelease.pipeline;

import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The validate stage in the pipeline: a rejected release names its rule and runs nothing. */
class ValidateStageTest extends PipelineTestSupport {

    @Test
    void aBrokenTagIsRejectedBeforeAnythingRuns() {
        ReleaseRun run = release("suite-2026.05-nova", false);

        assertThat(run.isSucceeded()).isFalse();
        assertThat(run.getFailure()).isEqualTo("validate: suite-2026.05-nova: suite month must be 04 or 10: got 05");
        assertThat(run.getStages()).extracting(StageRecord::getName).containsExactly("validate", "summary");
        assertThat(run.getSummary()).contains("FAILED").contains("suite month must be 04 or 10");
        assertThat(out).doesNotExist();
    }

    @Test
    void aVersionWithoutAChangelogSectionIsRejected() {
        ReleaseRun run = release("suite-2026.10-orion", false);

        assertThat(run.getFailure()).contains("suite-2026.10-orion: changelog must have a section for 2026.10");
        assertThat(out).doesNotExist();
    }

    @Test
    void anLtsReleaseNeedsEveryChecklistItemTicked() throws IOException {
        untick("Air-gap bundle tested");

        ReleaseRun run = release("suite-2026.04-nova-lts", false);

        assertThat(run.getFailure()).contains("suite-2026.04-nova-lts: the release checklist must be fully ticked for lts releases: "
                + "1 unticked: 'Air-gap bundle tested'");
        assertThat(run.stage("validate").orElseThrow().getStatus()).isEqualTo(Status.FAILED);
        assertThat(out).doesNotExist();
    }

    @Test
    void anEdgeReleaseWarnsAboutUntickedItems() throws IOException {
        untick("Helm chart validated");

        ReleaseRun run = release("suite-2026.04-nova", true);

        assertThat(run.isSucceeded()).isTrue();
        assertThat(run.getWarnings()).containsExactly("release checklist item not ticked: Helm chart validated");
        assertThat(Files.readString(out.resolve("2026.04/summary.md"))).contains("## Warnings")
                .contains("release checklist item not ticked: Helm chart validated");
    }

    @Test
    void aModuleWithABrokenVersionFileIsRejected() throws IOException {
        Files.writeString(workspace.resolve("src/Policy/version.txt"), "1.1\n");

        ReleaseRun run = release("suite-2026.04-nova", true);

        assertThat(run.getFailure()).contains("module version must be SemVer (MAJOR.MINOR.PATCH[-prerelease]): "
                + "src/Policy/version.txt holds '1.1'");
        assertThat(out).doesNotExist();
    }

    private void untick(String item) throws IOException {
        Path checklist = workspace.resolve("docs/release/CHECKLIST.md");
        String text = Files.readString(checklist);
        String edited = text.replace("- [x] " + item, "- [ ] " + item);
        assertThat(edited).as("checklist has a ticked '%s'", item).isNotEqualTo(text);
        Files.writeString(checklist, edited);
    }
}
