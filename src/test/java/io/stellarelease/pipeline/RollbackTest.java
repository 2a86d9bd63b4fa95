package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.state.RollbackRequest;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rollbacks through the real rollback pipeline, their commands run for real against stand-ins for kubectl and helm
 * that record their arguments and the values they got in their environment; the releases rolled back are real.
 */
class RollbackTest extends PipelineTestSupport {
    private Path standIns;

    @Override
    protected void configure(ObjectNode config) {
        standIns = tmp.resolve("bin");
        standIn("kubectl");
        standIn("helm");
        ObjectNode rollback = config.putObject("rollback");
        rollback.put("timeout", "PT1M");
        rollback.putArray("containers").add(standIns.resolve("kubectl").toString()).add("set").add("image")
                .add("deployment/${MODULE_LOWER}").add("${MODULE_LOWER}=${IMAGE}:${VERSION}");
        rollback.putArray("helm").add(standIns.resolve("helm").toString()).add("rollback").add("stellaops").add("${REVISION}");
    }

    /** A stand-in that appends one line per call: its arguments, tab-separated, then the VERSION it was given. */
    private void standIn(String name) {
        try {
            Files.createDirectories(standIns);
            Path script = standIns.resolve(name);
            Files.writeString(script, "#!/bin/sh\n{ printf '%s\\t' \"$@\"; printf 'VERSION=%s\\n' \"$VERSION\"; } >> '"
                    + standIns.resolve(name + ".calls") + "'\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> calls(String name) {
        Path file = standIns.resolve(name + ".calls");
        return Files.exists(file) ? Fixtures.lines(file) : List.of();
    }

    private ReleaseRunner runner() {
        return context.getRegistry().lookupByNameAndType("releaseRunner", ReleaseRunner.class);
    }

    private void releaseAuthority(String version) throws IOException {
        Files.writeString(workspace.resolve("src/Authority/version.txt"), version + "\n");
        Files.writeString(workspace.resolve("src/Authority/CHANGELOG.md"), "## [" + version + "] - 2026-05-01\n\n- changes.\n");
        ReleaseRun run = release("module-authority-v" + version, true);
        assertThat(run.getFailure()).isNull();
    }

    @Test
    void aModuleGoesBackToItsPreviousReleaseAndADryRunOnlyPrintsTheCommand() throws Exception {
        assertThatThrownBy(() -> runner().rollback(new RollbackRequest("module", "Authority", null, null, null, false), null))
                .isInstanceOf(ReleaseRuleException.class).hasMessageContaining("Authority has no release in the release history");
        releaseAuthority("1.4.0");
        assertThatThrownBy(() -> runner().rollback(new RollbackRequest("module", "Authority", null, null, null, false), null))
                .hasMessageContaining("Authority has no release before 1.4.0 in the release history to roll back to");
        releaseAuthority("1.4.1");

        ReleaseRun dry = runner().rollback(new RollbackRequest("module", "Authority", null, null, null, true), null);
        assertThat(dry.getFailure()).isNull();
        assertThat(dry.getRequest().tag()).isEqualTo("rollback-module-authority-v1.4.0");
        assertThat(dry.stage("rollback").orElseThrow().getStatus()).isEqualTo(Status.SKIPPED);
        assertThat(calls("kubectl")).isEmpty();
        String command = standIns.resolve("kubectl") + " set image deployment/authority "
                + "authority=git.stella-ops.org/stella-ops.org/authority:1.4.0";
        assertThat(dry.getSummary()).contains("## Commands (dry run: not run)").contains(command);
        Path dir = out.resolve("rollbacks/module-authority-v1.4.0");
        JsonNode plan = Fixtures.YAML.readTree(dir.resolve("rollback-plan.json").toFile());
        assertThat(plan.at("/commands/0/argv/3").asText()).isEqualTo("deployment/authority");
        assertThat(plan.at("/commands/0/env/VERSION").asText()).isEqualTo("1.4.0");

        ReleaseRun run = runner().rollback(new RollbackRequest("module", "Authority", null, null, null, false), null);
        assertThat(run.getFailure()).isNull();
        assertThat(run.getStages()).extracting(s -> s.getName()).containsExactly("plan-rollback", "restore-database", "rollback", "summary");
        assertThat(run.stage("restore-database").orElseThrow().getReason()).isEqualTo("not a database rollback (mode containers)");
        assertThat(calls("kubectl")).containsExactly(
                "set\timage\tdeployment/authority\tauthority=git.stella-ops.org/stella-ops.org/authority:1.4.0\tVERSION=1.4.0");
        assertThat(dir.resolve("logs/rollback/Authority.log")).exists();
        assertThat(dir.resolve("summary.md")).content().startsWith("# Rollback module-authority-v1.4.0: succeeded");

        // An explicit version must have been released.
        assertThatThrownBy(() -> runner().rollback(new RollbackRequest("module", "Authority", "1.3.9", null, null, false), null))
                .hasMessageContaining("Authority 1.3.9 was never released");
        ReleaseRun explicit = runner().rollback(new RollbackRequest("module", "Authority", "1.4.1", null, null, false), null);
        assertThat(explicit.getFailure()).isNull();
        assertThat(calls("kubectl")).last().asString().endsWith("authority:1.4.1\tVERSION=1.4.1");
    }

    @Test
    void aSuiteRollsEveryImageBackAndHelmRollsBackByRevision() throws Exception {
        Path checklist = workspace.resolve("docs/release/CHECKLIST.md");
        Files.writeString(checklist, Files.readString(checklist).replace("- [ ]", "- [x]"));
        Path changelog = workspace.resolve("CHANGELOG.md");
        Files.writeString(changelog, Files.readString(changelog).replace("## [2026.04] - 2026-04-15",
                "## [2026.04.1] - 2026-05-02\n\n- fix.\n\n## [2026.04] - 2026-04-15"));
        assertThat(release("suite-2026.04-nova", true).getFailure()).isNull();
        assertThat(release("suite-2026.04.1", true).getFailure()).isNull();

        ReleaseRun suite = runner().rollback(new RollbackRequest("suite", null, null, "containers", null, false), null);
        assertThat(suite.getFailure()).isNull();
        assertThat(suite.getRequest().tag()).isEqualTo("rollback-suite-v2026.04");
        List<String> calls = calls("kubectl");
        assertThat(calls).hasSize(9).allMatch(c -> c.endsWith(":2026.04\tVERSION=2026.04"));
        assertThat(calls.get(0)).isEqualTo("set\timage\tdeployment/authority\tauthority=git.stella-ops.org/stella-ops.org/authority:2026.04\tVERSION=2026.04");

        ReleaseRun helm = runner().rollback(new RollbackRequest("suite", null, null, "helm", 3, false), null);
        assertThat(helm.getFailure()).isNull();
        assertThat(calls("helm")).containsExactly("rollback\tstellaops\t3\tVERSION=");
        ReleaseRun previous = runner().rollback(new RollbackRequest("suite", null, null, "helm", null, false), null);
        assertThat(previous.getRequest().tag()).isEqualTo("rollback-helm-r0");
        assertThat(calls("helm")).last().isEqualTo("rollback\tstellaops\t0\tVERSION=");
        assertThatThrownBy(() -> runner().rollback(new RollbackRequest("suite", null, "2026.04", "helm", null, false), null))
                .hasMessageContaining("a helm rollback rolls the suite's chart back by revision");
    }

    @Test
    void aFailingCommandFailsTheRollbackWithItsExitCode() throws Exception {
        releaseAuthority("1.4.0");
        releaseAuthority("1.4.1");
        Files.writeString(standIns.resolve("kubectl"), "#!/bin/sh\necho 'error: deployment not found' >&2\nexit 4\n");
        ReleaseRun run = runner().rollback(new RollbackRequest("module", "Authority", null, null, null, false), null);
        assertThat(run.isSucceeded()).isFalse();
        assertThat(run.stage("rollback").orElseThrow().getStatus()).isEqualTo(Status.FAILED);
        assertThat(run.getFailure()).contains("exit code 4");
    }
}
