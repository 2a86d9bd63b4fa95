package io.stellarelease.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hotfix start} and {@code hotfix finish} on a real git repository made here: a released suite 2026.04 (its tag
 * and its entry in the release history), a main branch that moved on, and the refusals, each naming its rule.
 */
class HotfixCommandTest {
    static final Path REPO_ROOT = Path.of("").toAbsolutePath();

    @TempDir
    Path tmp;
    Path repo;
    Path history;
    Path config;
    Path properties;

    @BeforeEach
    void repository() throws Exception {
        repo = Files.createDirectories(tmp.resolve("stellaops"));
        git("init", "-q", "-b", "main");
        git("config", "user.name", "Release Test");
        git("config", "user.email", "release@stella-release.invalid");
        Files.writeString(repo.resolve("CHANGELOG.md"), "# Changelog\n\n## [2026.04] - 2026-04-15\n\n- Nova.\n");
        Files.writeString(repo.resolve("scanner.txt"), "scanner v1\n");
        commit("Suite 2026.04");
        git("tag", "suite-2026.04-nova");
        Files.writeString(repo.resolve("next.txt"), "work for 2026.10\n");
        commit("Start 2026.10");

        history = tmp.resolve("history");
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectNode c = (ObjectNode) yaml.readTree(REPO_ROOT.resolve("config/release.yaml").toFile());
        c.put("workspace", repo.toString());
        c.put("output", tmp.resolve("out").toString());
        config = tmp.resolve("release.yaml");
        yaml.writeValue(config.toFile(), c);
        properties = tmp.resolve("application.properties");
        Files.writeString(properties, Files.readString(REPO_ROOT.resolve("config/application.properties"))
                + "\nstella.state-dir = " + tmp.resolve("state") + "\nstella.history-dir = " + history + "\n");
    }

    /** The suite 2026.04 as the record-history stage leaves it: its manifest in the history. */
    private void released() throws IOException {
        Files.createDirectories(history.resolve("suites"));
        Files.writeString(history.resolve("suites/suite-2026.04-nova.yaml"), """
                schema: stella-release/v1
                suite:
                  version: "2026.04"
                  codename: Nova
                  channel: edge
                  tag: suite-2026.04-nova
                  releasedAt: 2026-04-15T10:00:00Z
                modules: []
                """);
    }

    @Test
    void startRefusesAnUnreleasedSuiteThenBranchesFromItsTag() throws Exception {
        Result unreleased = hotfix("start", "2026.04.1");
        assertThat(unreleased.exit()).isEqualTo(3);
        assertThat(unreleased.stderr()).contains("hotfix 2026.04.1: a hotfix must fix a released suite: 2026.04 is not in the release history");

        released();
        git("tag", "-d", "suite-2026.04-nova");
        Result noTag = hotfix("start", "2026.04.1");
        assertThat(noTag.exit()).isEqualTo(3);
        assertThat(noTag.stderr()).contains("a hotfix starts from the suite's release tag: suite-2026.04-nova is not a tag");
        git("tag", "suite-2026.04-nova", "main~1");

        Result notAHotfix = hotfix("start", "2026.04");
        assertThat(notAHotfix.exit()).isEqualTo(3);
        assertThat(notAHotfix.stderr()).contains("a hotfix version is YYYY.MM.N with N from 1: got '2026.04'");
        Result badMonth = hotfix("start", "2026.05.1");
        assertThat(badMonth.exit()).isEqualTo(3);
        assertThat(badMonth.stderr()).contains("suite month must be 04 or 10: got 05");
        assertThat(hotfix("start").exit()).as("no version: usage").isEqualTo(2);
        // The version rule comes first, wherever the command is pointed.
        Result badVersionNoRepository = hotfix("start", "2026.4.1", "--workspace", tmp.resolve("history").toString());
        assertThat(badVersionNoRepository.exit()).as(badVersionNoRepository.stderr()).isEqualTo(3);
        assertThat(badVersionNoRepository.stderr()).contains("a hotfix version is YYYY.MM.N with N from 1: got '2026.4.1'")
                .doesNotContain("git repository");

        Result dry = hotfix("start", "2026.04.1", "--dry-run");
        assertThat(dry.exit()).as(dry.stderr()).isZero();
        assertThat(dry.stdout()).contains("dry run: would create hotfix/2026.04.1 from suite-2026.04-nova");
        assertThat(git("branch", "--list", "hotfix/*")).isBlank();

        Result started = hotfix("start", "2026.04.1");
        assertThat(started.exit()).as(started.stderr()).isZero();
        assertThat(started.stdout()).contains("created hotfix/2026.04.1 from suite-2026.04-nova");
        assertThat(git("rev-parse", "hotfix/2026.04.1")).isEqualTo(git("rev-parse", "suite-2026.04-nova^{commit}"));
        assertThat(git("symbolic-ref", "--short", "HEAD")).as("not checked out without --switch").isEqualTo("main");

        Result again = hotfix("start", "2026.04.1");
        assertThat(again.exit()).isEqualTo(3);
        assertThat(again.stderr()).contains("hotfix 2026.04.1: the hotfix branch must not exist yet: hotfix/2026.04.1 exists at ");
    }

    @Test
    void finishChecksTagsAndCarriesTheFixToMain() throws Exception {
        released();
        Result missing = hotfix("finish", "2026.04.1");
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.stderr()).contains("the hotfix branch must exist: hotfix/2026.04.1 not found");

        assertThat(hotfix("start", "2026.04.1", "--switch").exit()).isZero();
        assertThat(git("symbolic-ref", "--short", "HEAD")).isEqualTo("hotfix/2026.04.1");
        Result nothing = hotfix("finish", "2026.04.1");
        assertThat(nothing.exit()).isEqualTo(3);
        assertThat(nothing.stderr()).contains("the hotfix branch must have commits after suite-2026.04-nova");

        Files.writeString(repo.resolve("scanner.txt"), "scanner v1, CVE fixed\n");
        commit("Scanner: fix the CVE");
        Result noChangelog = hotfix("finish", "2026.04.1");
        assertThat(noChangelog.exit()).isEqualTo(3);
        assertThat(noChangelog.stderr()).contains("hotfix 2026.04.1: changelog must have a section for 2026.04.1: CHANGELOG.md has no heading naming 2026.04.1");

        // The changelog section only in the working tree does not count, and a dirty tree is refused.
        Files.writeString(repo.resolve("CHANGELOG.md"), "# Changelog\n\n## [2026.04.1] - 2026-05-02\n\n- Scanner CVE.\n\n"
                + "## [2026.04] - 2026-04-15\n\n- Nova.\n");
        Result dirty = hotfix("finish", "2026.04.1");
        assertThat(dirty.exit()).isEqualTo(3);
        assertThat(dirty.stderr()).contains("the working tree must be clean to finish a hotfix: 1 changed file(s): CHANGELOG.md");
        commit("Changelog for 2026.04.1");
        String tip = git("rev-parse", "HEAD");

        Result listed = hotfix("finish", "2026.04.1");
        assertThat(listed.exit()).as(listed.stderr()).isZero();
        assertThat(listed.stdout()).contains("tagged suite-2026.04.1 at " + tip.substring(0, 12))
                .contains("to cherry-pick onto main:").contains("Scanner: fix the CVE").contains("Changelog for 2026.04.1")
                .contains("git cherry-pick -x ");
        assertThat(git("rev-parse", "suite-2026.04.1^{commit}")).isEqualTo(tip);
        assertThat(git("log", "--format=%s", "main")).doesNotContain("Scanner: fix the CVE");

        // Again, cherry-picking this time (hotfix.cherryPick: apply would do the same): the tag is kept, main gets the fix.
        Result applied = hotfix("finish", "2026.04.1", "--cherry-pick", "apply");
        assertThat(applied.exit()).as(applied.stderr()).isZero();
        assertThat(applied.stdout()).contains("tag suite-2026.04.1 already at " + tip.substring(0, 12)).contains("cherry-picked onto main:");
        assertThat(git("tag", "--list", "suite-2026.04.1*")).isEqualTo("suite-2026.04.1");
        assertThat(git("show", "main:scanner.txt")).isEqualTo("scanner v1, CVE fixed");
        assertThat(git("show", "main:next.txt")).isEqualTo("work for 2026.10");
        assertThat(git("log", "-2", "--format=%B", "main")).contains("(cherry picked from commit ");
        assertThat(git("symbolic-ref", "--short", "HEAD")).as("back where it was").isEqualTo("hotfix/2026.04.1");

        Result done = hotfix("finish", "2026.04.1", "--cherry-pick", "apply");
        assertThat(done.exit()).as(done.stderr()).isZero();
        assertThat(done.stdout()).contains("nothing to cherry-pick: every change of the hotfix is on main");
        assertThat(git("rev-list", "--count", "main")).isEqualTo("4");

        // A tag of that name elsewhere is refused, naming both commits.
        git("tag", "-f", "suite-2026.04.1", "main");
        Result moved = hotfix("finish", "2026.04.1");
        assertThat(moved.exit()).isEqualTo(3);
        assertThat(moved.stderr()).contains("tag suite-2026.04.1 exists at ").contains("not at the tip of hotfix/2026.04.1");
    }

    private record Result(int exit, String stdout, String stderr) { }

    private Result hotfix(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "hotfix";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--config";
        all[args.length + 2] = config.toString();
        all[args.length + 3] = "--properties";
        all[args.length + 4] = properties.toString();
        if (args.length < 2) { // "hotfix start" without a version: options only
            all = new String[] {"hotfix", args[0], "--config", config.toString(), "--properties", properties.toString()};
        }
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        StringWriter usage = new StringWriter();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            CommandLine cli = StellaRelease.commandLine();
            cli.setOut(new PrintWriter(usage, true));
            cli.setErr(new PrintWriter(usage, true));
            int exit = cli.execute(all);
            return new Result(exit, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8) + usage);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private void commit(String message) throws Exception {
        git("add", "-A");
        git("commit", "-q", "-m", message);
    }

    private String git(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out.strip();
    }
}
