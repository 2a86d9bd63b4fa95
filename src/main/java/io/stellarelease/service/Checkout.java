package io.stellarelease.service;

import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.exec.ExecJob;
import io.stellarelease.exec.JobExecCommand;
import io.stellarelease.exec.JobExecResult;
import io.stellarelease.exec.ProcessTreeExecutor;
import io.stellarelease.util.Files2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks out a run's tag into the run's own directory with the configured command. The clone URL comes
 * from a webhook, so it reaches git only as an environment variable, after {@code --}, with the protocols
 * git may use restricted by {@code GIT_ALLOW_PROTOCOL}.
 */
public class Checkout {
    private final ReleaseConfig config;
    private final ProcessTreeExecutor executor;

    public Checkout(ReleaseConfig config, ProcessTreeExecutor executor) {
        this.config = config;
        this.executor = executor;
    }

    /** Whether this run needs a checkout: it came with a clone URL, or a mirror is configured for tag runs. */
    public boolean needed(RunRecord run) {
        return run.cloneUrl() != null || (config.checkout().mirror() != null && run.source().endsWith("webhook"));
    }

    /**
     * Removes a run's checkout once the run has ended: its logs and outputs are in the release directory and
     * {@code checkout.log} stays; a new attempt of the run clones afresh anyway.
     */
    public void remove(Path runDir) {
        Path dir = runDir.resolve("checkout");
        try {
            Files2.deleteRecursively(dir);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(Checkout.class).warn("could not remove the checkout {}: {}", dir, e.getMessage());
        }
    }

    /** Clones the tag afresh into {@code runDir/checkout} and returns the workspace inside it. */
    public Path checkout(RunRecord run, Path runDir) {
        Path dir = runDir.resolve("checkout");
        try {
            Files2.deleteRecursively(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not clear " + dir, e);
        }
        String source = config.checkout().mirror() != null ? config.checkout().mirror() : run.cloneUrl();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CLONE_URL", source);
        env.put("CHECKOUT_DIR", dir.toString());
        env.put("RELEASE_TAG", run.tag());
        env.put("GIT_ALLOW_PROTOCOL", config.checkout().protocols());
        env.put("GIT_TERMINAL_PROMPT", "0");
        Path log = runDir.resolve("checkout.log");
        ExecJob job = new ExecJob("checkout", run.tag(), config.checkout().command(), runDir, env,
                config.checkout().timeout(), log, runDir);
        JobExecResult result;
        try {
            result = (JobExecResult) executor.execute(new JobExecCommand(job));
        } catch (IOException e) {
            throw new UncheckedIOException("checkout of " + run.tag() + " could not run", e);
        }
        if (result.getExitValue() != 0) {
            throw new IllegalStateException("checkout of " + run.tag() + " failed with exit code " + result.getExitValue()
                    + (result.timedOut() ? " (timed out)" : "") + "; see " + log);
        }
        return dir.resolve(config.checkout().workspace()).normalize();
    }
}
