package io.stellarelease.cli;

import io.stellarelease.app.CamelApp;
import io.stellarelease.config.ConfigException;
import io.stellarelease.config.ConfigLoader;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.hotfix.HotfixBranches;
import io.stellarelease.hotfix.HotfixException;
import io.stellarelease.rules.ReleaseRuleException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hotfix start|finish <YYYY.MM.N>}: the hotfix branch from the suite's release tag, then its tag and cherry-picks. */
@Command(name = "hotfix",
        header = "Starts and finishes hotfix branches of a released suite.",
        mixinStandardHelpOptions = true,
        description = "Hotfix branches (RELEASE_PROCESS.md, Hotfix Process):%nstart creates hotfix/YYYY.MM.N from the release tag of the suite it fixes;%nfinish tags suite-YYYY.MM.N on the branch and lists (or cherry-picks) the commits to carry to the main branch. git runs in the workspace's repository; nothing is pushed.",
        subcommands = {HotfixCommand.Start.class, HotfixCommand.Finish.class},
        footer = {"", "Exit codes: 0 done; 1 a git step failed; 2 bad usage or configuration; 3 refused by a rule."})
public class HotfixCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("hotfix: say start or finish (stella-release hotfix --help)");
        return 2;
    }

    /** The options both steps take. */
    static class Common {
        @Parameters(index = "0", paramLabel = "<version>", description = "The hotfix version, YYYY.MM.N (e.g. 2026.04.1).")
        String version;

        @Option(names = "--workspace", paramLabel = "DIR", description = "A directory in the git repository (default: workspace of the configuration).")
        Path workspace;

        @Option(names = "--dry-run", description = "Check everything and say what would be done; change nothing.")
        boolean dryRun;

        @Mixin
        ConfigFiles files;
    }

    @FunctionalInterface
    interface Step {
        void run(HotfixBranches hotfix);
    }

    /** Loads the configuration and the release history as the other commands do, runs the step, maps outcomes to exit codes. */
    static int run(Common common, Step step) {
        try (CamelApp app = CamelApp.start(CamelApp.Mode.SEND, common.files.properties, common.files.config, Map.of())) {
            ReleaseConfig config = ConfigLoader.load(Path.of(app.property("stella.config")));
            ReleaseHistory history = new ReleaseHistory(Path.of(app.property("stella.history-dir")));
            Path workspace = common.workspace != null ? common.workspace : Path.of(config.workspace());
            HotfixBranches.version(config, common.version); // a bad version is the first thing said, repository or not
            step.run(new HotfixBranches(config, history, workspace));
            return 0;
        } catch (ReleaseRuleException e) {
            System.err.println(e.getMessage());
            return 3;
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("hotfix: " + e.getMessage());
            return 2;
        } catch (HotfixException e) {
            System.err.println("hotfix failed: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("hotfix failed: " + CamelApp.unwrap(e).getMessage());
            return 1;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            header = "Creates the hotfix branch from the release tag of the suite it fixes.",
            description = "Creates the branch hotfix/<version> (hotfix.branch) from the release tag of the suite it fixes. Refused when that suite is not in the release history or its tag is not in the repository, or when the branch or the hotfix's tag already exists.")
    static class Start implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--switch", description = "Also check the new branch out (git switch).")
        boolean switchTo;

        @Override
        public Integer call() {
            return run(common, hotfix -> {
                HotfixBranches.Started s = hotfix.start(common.version, switchTo, common.dryRun);
                String commit = s.commit().substring(0, 12);
                System.out.println((s.dryRun() ? "dry run: would create " : "created ") + s.branch() + " from " + s.fromTag()
                        + " (" + commit + ")" + (s.switched() ? ", checked out" : ""));
                if (!s.dryRun()) {
                    System.out.println("next: commit the fix and a changelog section for " + common.version
                            + ", then: stella-release hotfix finish " + common.version);
                }
            });
        }
    }

    @Command(name = "finish", mixinStandardHelpOptions = true,
            header = "Tags the hotfix and lists (or cherry-picks) the commits to carry to the main branch.",
            description = "Checks the hotfix branch (it exists, the working tree is clean, its changelog names the version), tags its tip suite-<version>, and lists the commits to cherry-pick to the main branch (hotfix.mainBranch) or, with hotfix.cherryPick: apply (or --cherry-pick apply), cherry-picks them (git cherry-pick -x).")
    static class Finish implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--cherry-pick", paramLabel = "list|apply", description = "Override hotfix.cherryPick.")
        String cherryPick;

        @Override
        public Integer call() {
            return run(common, hotfix -> {
                HotfixBranches.Finished f = hotfix.finish(common.version, cherryPick, common.dryRun);
                String commit = f.commit().substring(0, 12);
                System.out.println(f.tagExisted() ? "tag " + f.tag() + " already at " + commit
                        : (f.dryRun() ? "dry run: would tag " : "tagged ") + f.tag() + " at " + commit);
                if (f.picks().isEmpty()) {
                    System.out.println("nothing to cherry-pick: every change of the hotfix is on " + f.mainBranch());
                } else {
                    System.out.println((f.applied() ? "cherry-picked onto " : "to cherry-pick onto ") + f.mainBranch() + ":");
                    f.picks().forEach(p -> System.out.println("  " + p.commit().substring(0, 12) + " " + p.subject()));
                    if (!f.applied()) {
                        System.out.println("  git switch " + f.mainBranch() + " && git cherry-pick -x "
                                + String.join(" ", f.picks().stream().map(HotfixBranches.Pick::commit).toList()));
                    }
                }
                if (!f.dryRun()) {
                    System.out.println("next: git push origin " + f.tag() + " (the tag starts the hotfix release)");
                }
            });
        }
    }
}
