package io.stellarelease.cli;

import io.stellarelease.app.CamelApp;
import io.stellarelease.pipeline.ReleaseRunner;
import io.stellarelease.config.ConfigException;
import io.stellarelease.logging.LogFormat;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.state.ReleaseRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code release <tag>}: runs one release of a workspace through the pipeline routes, then exits. */
@Command(name = "release",
        mixinStandardHelpOptions = true,
        description = "Runs one release, e.g. 'release suite-2026.04-nova' or 'release module-authority-v1.4.0', and exits.",
        footer = {"", "Exit codes: 0 released; 1 a stage failed; 2 bad usage or configuration; 3 rejected by a release rule;",
                "143 (SIGTERM) or 130 (Ctrl-C) interrupted: its builds were ended; run the same command again to finish it."})
public class ReleaseCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<tag>", description = "The release tag, e.g. suite-2026.04-nova, suite-2026.04.1 or module-authority-v1.4.0.")
    String tag;

    @Option(names = "--workspace", paramLabel = "DIR", description = "The workspace to release (default: workspace in the release configuration).")
    Path workspace;

    @Option(names = "--out", paramLabel = "DIR", description = "Where releases are written; this one goes to DIR/<version>/ (default: output in the release configuration).")
    Path out;

    @Option(names = "--dry-run", description = "Build and record everything, publish nothing; marked in the manifest.")
    boolean dryRun;

    @Option(names = "--skip-tests", description = "Skip the test-gate stage.")
    boolean skipTests;

    @Mixin
    ConfigFiles files;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "text (default; or the STELLA_LOG_FORMAT environment variable) or json: one JSON object per line on stdout.")
    LogFormat logFormat;


    @Override
    public Integer call() throws Exception {
        if (logFormat != null) {
            logFormat.apply();
        }
        boolean json = LogFormat.current() == LogFormat.JSON;
        try (CamelApp app = CamelApp.start(files.properties, files.config);
             Interruption interruption = new Interruption(app.executor())) {
            ReleaseRunner runner = app.releaseRunner();
            var request = runner.request(tag, workspace, out, dryRun, skipTests);
            requireDirectories(request);
            ReleaseRun run = runner.run(request);
            if (interruption.happened()) {
                return interrupted(run, json);
            }
            if (json) {
                // stdout carries only JSON lines: the outcome as an event; the summary is in summary.md.
                var event = org.slf4j.LoggerFactory.getLogger("stella.release").atInfo()
                        .addKeyValue("event", run.isSucceeded() ? "released" : "release-failed")
                        .addKeyValue("run", run.getId()).addKeyValue("tag", tag);
                if (run.isSucceeded()) {
                    event.setMessage(outcome(run)).log();
                    return 0;
                }
                event.addKeyValue("reason", run.getFailure()).setMessage("release " + tag + " failed").log();
                return !run.isValidated() && run.producer(io.stellarelease.state.Produces.RELEASE).map(s -> s.getStatus().failed()).orElse(false) ? 3 : 1;
            }
            int exit = run.isSucceeded() ? 0
                    : !run.isValidated() && run.producer(io.stellarelease.state.Produces.RELEASE).map(s -> s.getStatus().failed()).orElse(false) ? 3 : 1;
            if (!run.isSucceeded()) {
                System.err.println(FailureLine.of("release " + tag, run, exit));
                return exit;
            }
            if (run.getSummary() != null) {
                System.out.println();
                System.out.print(run.getSummary());
            }
            System.out.println();
            System.out.println(outcome(run));
            return 0;
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (ReleaseRuleException e) {
            System.err.println(e.getMessage());
            return 3;
        }
    }

    /**
     * Bad usage is said before anything runs (exit 2): a workspace that is no directory (it was a release-rule
     * rejection, exit 3, from validate), an output root that is a file (it was exit 1 after four stack traces).
     */
    private void requireDirectories(io.stellarelease.state.ReleaseRequest request) {
        Path ws = request.workspace();
        if (!java.nio.file.Files.isDirectory(ws)) {
            throw new ConfigException((workspace != null ? "--workspace " : "workspace (release configuration) ") + ws
                    + (java.nio.file.Files.exists(ws) ? " is not a directory" : " does not exist"));
        }
        for (Path p = request.outputRoot(); p != null; p = p.getParent()) {
            if (java.nio.file.Files.exists(p)) {
                if (!java.nio.file.Files.isDirectory(p)) {
                    throw new ConfigException((out != null ? "--out " : "output (release configuration) ") + request.outputRoot()
                            + ": " + p + " is not a directory");
                }
                break;
            }
        }
    }

    /** The last line of a run that succeeded: a dry run released nothing, and says so (record-history said it too). */
    private String outcome(ReleaseRun run) {
        return dryRun ? "dry run of " + tag + " done into " + run.releaseDir() + ": nothing was published or released"
                : "released " + tag + " into " + run.releaseDir();
    }

    /** Said once, plainly: the release did not finish because the process was told to stop. */
    private int interrupted(ReleaseRun run, boolean json) {
        String message = "release " + tag + " interrupted: stella-release was stopped (SIGTERM or Ctrl-C) and ended its builds;"
                + " run the same command again to finish it";
        if (json) {
            org.slf4j.LoggerFactory.getLogger("stella.release").atWarn().addKeyValue("event", "release-interrupted")
                    .addKeyValue("run", run.getId()).addKeyValue("tag", tag).setMessage(message).log();
        } else {
            System.err.println(message);
        }
        return 130;
    }

    /**
     * A JVM shutdown hook for the length of the release: on SIGTERM or Ctrl-C no build command starts any more and
     * the running ones are ended with their whole process tree (nothing of the build outlives the JVM); the hook
     * then waits for the pipeline to finish its bookkeeping and for the interruption to be reported. The JVM
     * exits with the signal's status (143 or 130).
     */
    private static final class Interruption implements AutoCloseable {
        private final io.stellarelease.exec.ProcessTreeExecutor executor;
        private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        private final Thread hook;

        Interruption(io.stellarelease.exec.ProcessTreeExecutor executor) {
            this.executor = executor;
            this.hook = new Thread(() -> {
                executor.stop();
                try {
                    finished.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stella-release-interrupted");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        boolean happened() {
            return executor.isStopping();
        }

        @Override
        public void close() {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running and returns now
            }
        }
    }
}
