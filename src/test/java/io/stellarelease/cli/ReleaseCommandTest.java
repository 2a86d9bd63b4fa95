package io.stellarelease.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a person uses it: exit codes and what it prints. */
class ReleaseCommandTest {
    @TempDir
    Path out;

    private record Result(int exit, String stdout, String stderr) { }

    private Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        StringWriter usage = new StringWriter();
        try {
            System.setOut(new PrintStream(stdout, true));
            System.setErr(new PrintStream(stderr, true));
            CommandLine cli = StellaRelease.commandLine();
            cli.setOut(new PrintWriter(usage, true));
            cli.setErr(new PrintWriter(usage, true));
            int exit = cli.execute(args);
            return new Result(exit, stdout + usage.toString(), stderr + usage.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void releasesTheExampleAndPrintsStagesAndSummary() {
        Result r = run("release", "suite-2026.04-nova", "--out", out.toString(), "--skip-tests", "--dry-run");

        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("> validate").contains("< build-modules done in")
                .containsPattern("build-modules \\d/9 \\w+ done").contains("< test-gate skipped")
                .contains("  sboms 1/10 ").doesNotContain("  sboms 1/1 ")
                .contains("# Release 2026.04 Nova (edge): succeeded").contains("- Dry run: yes")
                .contains("dry run of suite-2026.04-nova done into " + out.resolve("2026.04") + ": nothing was published or released")
                .doesNotContain("released suite-2026.04-nova");
        assertThat(out.resolve("2026.04/suite-2026.04.yaml")).content().contains("dryRun: true");
    }

    @Test
    void dryAndRealRunsOfOneVersionNeverMixInItsDirectory() throws Exception {
        Path dir = out.resolve("modules/authority/1.4.0");
        Path manifest = dir.resolve("module-authority-1.4.0.yaml");
        assertThat(run("release", "module-authority-v1.4.0", "--out", out.toString(), "--dry-run", "--skip-tests").exit()).isZero();
        assertThat(manifest).content().contains("dryRun: true");

        // A real module release whose publishing fails (nothing listens at the configured feed) before its manifest:
        // the rehearsal's manifest and checksums must not be left there as if they were this run's.
        Result real = run("release", "module-authority-v1.4.0", "--out", out.toString(), "--skip-tests");
        assertThat(real.exit()).as(real.stdout()).isEqualTo(1);
        assertThat(manifest).doesNotExist();
        Path state = dir.resolve("state.json");
        assertThat(state).content().contains("\"dryRun\":false");
        String before = java.nio.file.Files.readString(state);

        // A dry run now would overwrite the state a retry resumes from: refused, the directory untouched.
        Result dry = run("release", "module-authority-v1.4.0", "--out", out.toString(), "--dry-run");
        assertThat(dry.exit()).isEqualTo(3);
        assertThat(dry.stdout()).contains("a dry run must not overwrite a real run's release directory: " + dir);
        assertThat(state).content().isEqualTo(before);
        assertThat(run("release", "module-authority-v1.4.0", "--out", out.resolve("rehearsal").toString(), "--dry-run").exit())
                .isZero();
    }

    @Test
    void aRejectedTagExitsWith3AndNamesTheRule() {
        Result r = run("release", "suite-2026.05-nova", "--out", out.toString());

        assertThat(r.exit()).isEqualTo(3);
        // Said once, by the stage's end line; the last line names the stage.
        assertThat(r.stdout()).contains("< validate failed in").contains("suite-2026.05-nova: suite month must be 04 or 10: got 05");
        assertThat(r.stderr()).contains("release suite-2026.05-nova failed at validate (exit 3)");
        assertThat(out.resolve("2026.05")).doesNotExist();
    }

    @Test
    void releaseAcceptsModuleTagsAndRollbackChecksItsTarget() {
        Result module = run("release", "module-authority-v9.9.9", "--out", out.toString(), "--dry-run");
        assertThat(module.exit()).isEqualTo(3);
        assertThat(module.stdout()).contains("module version must match src/Authority/version.txt: it holds 1.4.0, the tag says 9.9.9");
        assertThat(module.stderr()).contains("release module-authority-v9.9.9 failed at validate-module (exit 3)");

        Result rollback = run("rollback", "--module", "Nope", "--dry-run");
        assertThat(rollback.exit()).isEqualTo(3);
        assertThat(rollback.stderr()).contains("module must be one of the configured modules: got 'Nope'");
        assertThat(run("rollback", "--module", "Authority", "--suite").exit()).isEqualTo(2);
    }

    @Test
    void badUsageAndBadConfigurationExitWith2() {
        assertThat(run("release").exit()).isEqualTo(2);
        Result r = run("release", "suite-2026.04-nova", "--config", out.resolve("missing.yaml").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("missing.yaml: release configuration not found");
    }

    @Test
    void aWorkspaceOrOutputThatIsNoDirectoryIsBadUsage() throws Exception {
        Path file = java.nio.file.Files.writeString(out.resolve("a-file"), "x");
        Result noWorkspace = run("release", "suite-2026.04-nova", "--dry-run", "--workspace", out.resolve("missing").toString());
        assertThat(noWorkspace.exit()).isEqualTo(2);
        assertThat(noWorkspace.stderr()).contains("configuration error: --workspace " + out.resolve("missing") + " does not exist");
        assertThat(noWorkspace.stdout()).doesNotContain("> validate");

        Result outIsAFile = run("release", "suite-2026.04-nova", "--dry-run", "--out", file.toString());
        assertThat(outIsAFile.exit()).isEqualTo(2);
        assertThat(outIsAFile.stderr()).contains("configuration error: --out " + file + ": " + file + " is not a directory")
                .doesNotContain("Exception");
        assertThat(outIsAFile.stdout()).doesNotContain("> validate");
    }

    @Test
    void serveRefusesToStartWithoutAWebhookSecret() throws Exception {
        Path properties = out.resolve("application.properties");
        java.nio.file.Files.writeString(properties, java.nio.file.Files.readString(Path.of("config/application.properties"))
                + "\nstella.webhook.secret =\nstella.state-dir = " + out.resolve("state") + "\ncamel.server.port = 0\n");
        Result r = run("serve", "--properties", properties.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.stderr()).contains("no webhook secret: set STELLA_WEBHOOK_SECRET");
    }

    @Test
    void everyCommandHasHelp() {
        Result top = run("--help");
        assertThat(top.exit()).isZero();
        assertThat(top.stdout()).contains("release");
        Result release = run("release", "--help");
        assertThat(release.exit()).isZero();
        assertThat(release.stdout()).contains("--workspace").contains("--out").contains("--dry-run").contains("--skip-tests")
                .contains("Exit codes");
        assertThat(run("serve", "--help").stdout()).contains("--port").contains("--allow-unsigned-webhooks");
        assertThat(run("dispatch", "suite", "--help").stdout()).contains("--version").contains("--codename").contains("--channel");
        assertThat(run("dispatch", "module", "--help").stdout()).contains("--module").contains("--no-publish-nuget");
    }
}
