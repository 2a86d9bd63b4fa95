package io.stellarelease.hotfix;

import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.rules.ChangelogRule;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.rules.SuiteTagParser;
import io.stellarelease.rules.SuiteVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The hotfix process of RELEASE_PROCESS.md as two steps. {@code start}: the branch {@code hotfix/YYYY.MM.N} from the
 * tag of the released suite {@code YYYY.MM}. {@code finish}: after the checks (branch exists, working tree clean,
 * the branch's changelog names the hotfix), the tag {@code suite-YYYY.MM.N} on the branch's tip, and the commits to
 * carry to the main branch, listed or cherry-picked ({@code hotfix.cherryPick}). Both can be repeated: a branch or
 * tag already made as asked is reused, commits already on the main branch are not picked again.
 */
public class HotfixBranches {

    /** What {@code start} did (or, in a dry run, would do). */
    public record Started(String branch, String fromTag, String commit, boolean switched, boolean dryRun) { }

    /** A commit to carry to the main branch: its id and subject. */
    public record Pick(String commit, String subject) { }

    /** What {@code finish} did: the tag, whether it was already there, the commits and whether they were picked. */
    public record Finished(String tag, String commit, boolean tagExisted, String mainBranch, List<Pick> picks,
                           boolean applied, boolean dryRun) { }

    private final ReleaseConfig config;
    private final ReleaseHistory history;
    private final Git git;
    private final Path workspace;

    public HotfixBranches(ReleaseConfig config, ReleaseHistory history, Path workspace) {
        this.config = config;
        this.history = history;
        this.workspace = workspace.toAbsolutePath().normalize();
        if (!Files.isDirectory(this.workspace)) {
            throw new IllegalArgumentException("workspace " + this.workspace + " is not a directory");
        }
        Git here = new Git(this.workspace);
        Git.Result top = here.run("rev-parse", "--show-toplevel");
        if (!top.ok()) {
            throw new IllegalArgumentException("workspace " + this.workspace + " is not in a git repository: " + top.reason());
        }
        this.git = new Git(Path.of(top.out().strip()));
    }

    public Started start(String version, boolean switchTo, boolean dryRun) {
        SuiteVersion hotfix = parse(version);
        String subject = subject(hotfix);
        ReleaseHistory.Entry fixed = releasedSuite(hotfix, subject);
        String commit = git.commit("refs/tags/" + fixed.tag()).orElseThrow(() -> new ReleaseRuleException(subject,
                "a hotfix starts from the suite's release tag: " + fixed.tag() + " is not a tag in " + git.dir()));
        String branch = branch(hotfix);
        git.commit("refs/heads/" + branch).ifPresent(existing -> {
            throw new ReleaseRuleException(subject, "the hotfix branch must not exist yet: " + branch + " exists at " + shortId(existing));
        });
        String tag = tag(hotfix);
        git.commit("refs/tags/" + tag).ifPresent(existing -> {
            throw new ReleaseRuleException(subject, "the hotfix must not be released yet: tag " + tag + " exists at " + shortId(existing));
        });
        if (!dryRun) {
            git.require("branch", "--no-track", branch, commit);
            if (switchTo) {
                git.require("switch", branch);
            }
        }
        return new Started(branch, fixed.tag(), commit, switchTo && !dryRun, dryRun);
    }

    public Finished finish(String version, String cherryPick, boolean dryRun) {
        SuiteVersion hotfix = parse(version);
        String subject = subject(hotfix);
        String mode = cherryPick != null ? cherryPick : config.hotfix().cherryPick();
        if (!List.of("list", "apply").contains(mode)) {
            throw new IllegalArgumentException("--cherry-pick must be list or apply: got " + mode);
        }
        ReleaseHistory.Entry fixed = releasedSuite(hotfix, subject);
        String base = git.commit("refs/tags/" + fixed.tag()).orElseThrow(() -> new ReleaseRuleException(subject,
                "a hotfix starts from the suite's release tag: " + fixed.tag() + " is not a tag in " + git.dir()));
        String branch = branch(hotfix);
        String tip = git.commit("refs/heads/" + branch).orElseThrow(() -> new ReleaseRuleException(subject,
                "the hotfix branch must exist: " + branch + " not found (start it with: stella-release hotfix start " + version + ")"));
        String mainBranch = config.hotfix().mainBranch();
        String main = git.commit("refs/heads/" + mainBranch).orElseThrow(() -> new ReleaseRuleException(subject,
                "the branch fixes are carried to must exist: " + mainBranch + " not found (hotfix.mainBranch)"));
        Git.Result status = git.run("status", "--porcelain", "--untracked-files=no");
        if (!status.ok()) {
            throw new HotfixException("git status failed: " + status.reason());
        }
        // Not stripped: each line starts with two status columns, the first often a space.
        List<String> changed = status.out().lines().filter(l -> l.length() > 3).toList();
        if (!changed.isEmpty()) {
            throw new ReleaseRuleException(subject, "the working tree must be clean to finish a hotfix: " + changed.size()
                    + " changed file(s): " + String.join(", ", changed.stream().map(l -> l.substring(3)).toList()));
        }
        if (!git.run("merge-base", "--is-ancestor", base, tip).ok()) {
            throw new ReleaseRuleException(subject, "the hotfix branch must start from the suite's release tag: "
                    + branch + " does not contain " + fixed.tag());
        }
        if (base.equals(tip)) {
            throw new ReleaseRuleException(subject, "the hotfix branch must have commits after " + fixed.tag() + ": "
                    + branch + " has none");
        }
        checkChangelog(hotfix, subject, branch);

        String tag = tag(hotfix);
        Optional<String> tagged = git.commit("refs/tags/" + tag);
        if (tagged.isPresent() && !tagged.get().equals(tip)) {
            throw new ReleaseRuleException(subject, "tag " + tag + " exists at " + shortId(tagged.get())
                    + ", not at the tip of " + branch + " (" + shortId(tip) + ")");
        }
        if (tagged.isEmpty() && !dryRun) {
            // A lightweight tag, as the release process makes it (git tag suite-2026.04.1): needs no identity.
            git.require("tag", tag, tip);
        }
        List<Pick> picks = picks(base, tip, main);
        boolean applied = false;
        if ("apply".equals(mode) && !picks.isEmpty() && !dryRun) {
            apply(mainBranch, picks);
            applied = true;
        }
        return new Finished(tag, tip, tagged.isPresent(), mainBranch, picks, applied, dryRun);
    }

    /** The commits of the branch after the release tag whose change is not on the main branch yet, oldest first. */
    private List<Pick> picks(String base, String tip, String main) {
        List<Pick> picks = new ArrayList<>();
        // git cherry compares patches, so a commit already picked (with -x, or by hand) is marked '-' and left out.
        for (String line : git.require("cherry", main, tip, base).lines().toList()) {
            if (line.startsWith("+ ")) {
                String commit = line.substring(2).strip();
                if (git.require("rev-list", "--parents", "-n", "1", commit).split(" ").length > 2) {
                    continue; // a merge commit: its changes come with the commits it merged
                }
                picks.add(new Pick(commit, git.require("log", "-1", "--format=%s", commit)));
            }
        }
        return picks;
    }

    /** Cherry-picks onto the main branch and goes back to the branch that was checked out; on a conflict, undoes it. */
    private void apply(String mainBranch, List<Pick> picks) {
        Git.Result head = git.run("symbolic-ref", "-q", "--short", "HEAD");
        String back = head.ok() ? head.out().strip() : git.require("rev-parse", "HEAD");
        git.require("switch", mainBranch);
        try {
            List<String> args = new ArrayList<>(List.of("cherry-pick", "-x"));
            picks.forEach(p -> args.add(p.commit()));
            Git.Result picked = git.run(args.toArray(String[]::new));
            if (!picked.ok()) {
                git.run("cherry-pick", "--abort");
                throw new HotfixException("cherry-pick onto " + mainBranch + " stopped: " + picked.reason() + "; "
                        + mainBranch + " is as it was. Pick by hand: git cherry-pick -x "
                        + String.join(" ", picks.stream().map(Pick::commit).toList()));
            }
        } finally {
            if (head.ok()) {
                git.run("switch", back);
            } else {
                git.run("switch", "--detach", back);
            }
        }
    }

    private void checkChangelog(SuiteVersion hotfix, String subject, String branch) {
        Path changelog = workspace.resolve(config.rules().changelog()).normalize();
        String inRepo = git.dir().relativize(changelog).toString().replace('\\', '/');
        Git.Result shown = git.run("show", branch + ":" + inRepo);
        if (!shown.ok()) {
            throw new ReleaseRuleException(subject, "changelog must exist: " + inRepo + " not found on " + branch);
        }
        try {
            Path dir = Files.createTempDirectory("stella-hotfix-");
            Path copy = dir.resolve(changelog.getFileName());
            try {
                Files.writeString(copy, shown.out());
                ChangelogRule.check(subject, copy, hotfix.version());
            } finally {
                Files.deleteIfExists(copy);
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The suite release a hotfix fixes, from the release history (as validate checks a hotfix tag). */
    private ReleaseHistory.Entry releasedSuite(SuiteVersion hotfix, String subject) {
        return history.suiteRelease(hotfix.baseVersion()).orElseThrow(() -> new ReleaseRuleException(subject,
                "a hotfix must fix a released suite: " + hotfix.baseVersion() + " is not in the release history (" + history.dir() + ")"));
    }

    /** {@code 2026.04.1} checked as the tag {@code suite-2026.04.1} is: month, registered codename, hotfix number. */
    private SuiteVersion parse(String version) {
        return version(config, version);
    }

    /** The version rule alone, so a command can refuse a bad version before it looks for a repository. */
    public static SuiteVersion version(ReleaseConfig config, String version) {
        if (!SuiteVersion.looksLikeVersion(version) || SuiteVersion.parseVersion("hotfix " + version, version).hotfix() == 0) {
            throw new ReleaseRuleException("hotfix " + version, "a hotfix version is YYYY.MM.N with N from 1: got '" + version + "'");
        }
        SuiteVersion parsed = new SuiteTagParser(config).parse(SuiteTagParser.PREFIX + version);
        if (!parsed.isHotfix() || !parsed.version().equals(version)) {
            throw new ReleaseRuleException("hotfix " + version, "a hotfix version is YYYY.MM.N with N from 1: got '" + version + "'");
        }
        return parsed;
    }

    private static String subject(SuiteVersion hotfix) {
        return "hotfix " + hotfix.version();
    }

    public String branch(SuiteVersion hotfix) {
        return config.hotfix().branch().replace("{version}", hotfix.version());
    }

    public static String tag(SuiteVersion hotfix) {
        return SuiteTagParser.PREFIX + hotfix.version();
    }

    private static String shortId(String commit) {
        return commit.substring(0, Math.min(12, commit.length()));
    }
}
