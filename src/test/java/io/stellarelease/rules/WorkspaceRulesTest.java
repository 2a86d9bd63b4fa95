package io.stellarelease.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkspaceRulesTest {
    @TempDir
    Path dir;

    @Test
    void changelogSectionMustNameTheVersionExactly() throws IOException {
        Path changelog = Files.writeString(dir.resolve("CHANGELOG.md"), """
                # Changelog
                ## [Unreleased]
                ## [2026.04.1] - 2026-05-01
                - hotfix
                ## [2026.04] - 2026-04-15
                ### Added
                - Nova things
                ## [2025.10] - 2025-10-15
                - old
                """);
        assertThat(ChangelogRule.section(changelog, "2026.04")).hasValueSatisfying(s ->
                assertThat(s).startsWith("## [2026.04]").contains("### Added").contains("Nova things").doesNotContain("2025.10"));
        assertThat(ChangelogRule.section(changelog, "2026.04.1")).hasValueSatisfying(s -> assertThat(s).contains("hotfix"));
        assertThatThrownBy(() -> ChangelogRule.check("suite-2026.10-orion", changelog, "2026.10"))
                .hasMessage("suite-2026.10-orion: changelog must have a section for 2026.10: CHANGELOG.md has no heading naming 2026.10");
        assertThatThrownBy(() -> ChangelogRule.check("suite-2026.04.2", changelog, "2026.04.2"))
                .hasMessageContaining("no heading naming 2026.04.2");
        assertThatThrownBy(() -> ChangelogRule.check("t", dir.resolve("missing.md"), "2026.04"))
                .hasMessageContaining("changelog must exist");
    }

    @Test
    void checklistSeparatesTickedFromOpenItems() throws IOException {
        Path file = Files.writeString(dir.resolve("CHECKLIST.md"), """
                # Pre-release checklist
                - [x] All P1 issues resolved
                - [X] Documentation updated
                * [ ] Air-gap bundle tested
                - [ ]   Helm chart validated
                Not a task: - [ ] inline
                """);
        Checklist checklist = Checklist.read(file);
        assertThat(checklist.ticked()).containsExactly("All P1 issues resolved", "Documentation updated");
        assertThat(checklist.open()).containsExactly("Air-gap bundle tested", "Helm chart validated");
    }
}
