package io.stellarelease.cli;

import io.stellarelease.app.CamelApp;
import io.stellarelease.pipeline.ReleaseRunner;
import io.stellarelease.config.ConfigException;
import io.stellarelease.state.RollbackRequest;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.state.ReleaseRun;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rollback}: a module's or the suite's images, the Helm release, or the suite with its databases, back. */
@Command(name = "rollback",
        header = "Rolls images, the Helm release or the databases back to an earlier release.",
        description = "Rolls a module's image (--module), every image of the suite (--suite), the Helm release (--helm) or the suite with its databases (--database) back, with the commands of rollback and database in the release configuration. Without --version: the release before the current one in the release history. --dry-run prints the exact commands (and checks) and runs none.",
        footer = {"", "Exit codes: 0 rolled back; 1 a command failed; 2 bad usage or configuration; 3 refused by a rule."})
public class RollbackCommand implements Callable<Integer> {

    // Not mixinStandardHelpOptions: its -V/--version would clash with --version, and picocli then drops --help too.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    static class Target {
        @Option(names = "--module", paramLabel = "NAME", required = true, description = "A module, e.g. Authority.")
        String module;

        @Option(names = "--suite", required = true, description = "Every image of a suite release.")
        boolean suite;

        @Option(names = "--helm", required = true, description = "The Helm release, by revision.")
        boolean helm;

        @Option(names = "--database", required = true, description = {"The suite with its databases: stop the services,",
                "restore the backup holding the release's data, run the integrity checks, deploy, start the services."})
        boolean database;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(names = "--version", paramLabel = "VERSION", description = "The release to go back to (default: the previous one).")
    String version;

    @Option(names = "--revision", paramLabel = "N", description = "The Helm revision (default: Helm's previous revision).")
    Integer revision;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the rollback's plan, logs and summary go (DIR/rollbacks/...).")
    Path out;

    @Option(names = "--dry-run", description = "Print the exact commands; run none.")
    boolean dryRun;

    @Mixin
    ConfigFiles files;

    @Override
    public Integer call() throws Exception {
        RollbackRequest request = target.helm
                ? new RollbackRequest("suite", null, version, "helm", revision, dryRun)
                : target.database ? new RollbackRequest("suite", null, version, "database", revision, dryRun)
                : new RollbackRequest(target.suite ? "suite" : "module", target.module, version, "containers", revision, dryRun);
        try (CamelApp app = CamelApp.start(files.properties, files.config)) {
            ReleaseRunner runner = app.releaseRunner();
            ReleaseRun run = runner.rollback(request, out);
            if (!run.isSucceeded()) {
                System.err.println(FailureLine.of(run.getRequest().tag(), run, 1));
                return 1;
            }
            if (run.getSummary() != null) {
                System.out.print(run.getSummary());
            }
            return 0;
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (ReleaseRuleException e) {
            System.err.println(e.getMessage());
            return 3;
        }
    }
}
