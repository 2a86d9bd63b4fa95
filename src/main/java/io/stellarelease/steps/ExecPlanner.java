package io.stellarelease.steps;

import io.stellarelease.workspace.ModuleVersions;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.exec.ExecJob;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.util.Files2;
import org.apache.camel.ExchangeProperty;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the configuration into the exec jobs of the parallel stages. Values reach the commands only
 * as environment variables; the argument lists are the configured ones, untouched.
 */
public class ExecPlanner {
    private final ReleaseConfig config;
    private final ModuleVersions moduleVersions;

    public ExecPlanner(ReleaseConfig config, ModuleVersions moduleVersions) {
        this.config = config;
        this.moduleVersions = moduleVersions;
    }

    public List<ExecJob> testSuites(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage) {
        List<ExecJob> jobs = new ArrayList<>();
        for (ReleaseConfig.TestSuite suite : config.testGate().suites()) {
            Map<String, String> env = releaseEnv(run);
            env.put("TEST_SUITE", suite.name());
            Duration timeout = suite.timeout() != null ? suite.timeout() : config.testGate().timeout();
            jobs.add(job(run, stage, suite.name(), suite.command(), timeout, env));
        }
        return planned(run, stage, jobs);
    }

    /** Every configured module for a suite; for a module release only that module, at the tag's version. */
    public List<ExecJob> moduleBuilds(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage) {
        Path workspace = run.getRequest().workspace();
        List<ExecJob> jobs = new ArrayList<>();
        for (ReleaseConfig.Module module : config.modules().items()) {
            if (run.isModuleRelease() && !module.name().equals(run.requireModule().module())) {
                continue;
            }
            Map<String, String> env = releaseEnv(run);
            env.put("MODULE", module.name());
            env.put("MODULE_LOWER", module.lowerName());
            env.put("MODULE_DIR", module.path());
            env.put("VERSION", run.isModuleRelease() ? run.version()
                    : moduleVersions.versionOf(run.releaseTag(), workspace, module, run.version()));
            List<String> command = module.command() != null ? module.command() : config.modules().command();
            Duration timeout = module.timeout() != null ? module.timeout() : config.modules().timeout();
            jobs.add(job(run, stage, module.name(), command, timeout, env));
        }
        return planned(run, stage, jobs);
    }

    public List<ExecJob> cliBuilds(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage) {
        List<ExecJob> jobs = new ArrayList<>();
        for (String rid : config.cli().runtimes()) {
            Map<String, String> env = releaseEnv(run);
            env.put("RID", rid);
            jobs.add(job(run, stage, rid, config.cli().command(), config.cli().timeout(), env));
        }
        return planned(run, stage, jobs);
    }

    /** A command of a YAML stage (the stella-exec kamelet): the same variables, log, output directory and timeout. */
    public ExecJob userJob(ReleaseRun run, String stage, String name, List<String> command, Duration timeout) {
        Map<String, String> env = releaseEnv(run);
        env.put("RELEASE_DIR", run.releaseDir().toString());
        ExecJob job = job(run, stage, name, command, timeout, env);
        run.stage(stage).ifPresent(s -> s.stepStarted(name, java.time.Instant.now()));
        return job;
    }

    /**
     * The variables every command gets. A module release has no suite: its commands get the module's variables
     * instead (the test suites too, so they can run only that module's tests).
     */
    private Map<String, String> releaseEnv(ReleaseRun run) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RELEASE_TAG", run.releaseTag());
        env.put("VERSION", run.version());
        if (run.isModuleRelease()) {
            ReleaseConfig.Module module = config.module(run.requireModule().module()).orElseThrow();
            env.put("MODULE", module.name());
            env.put("MODULE_LOWER", module.lowerName());
            env.put("MODULE_DIR", module.path());
            env.put("MODULE_VERSION", run.version());
        } else {
            SuiteVersion suite = run.requireSuite();
            env.put("SUITE_VERSION", suite.version());
            env.put("CODENAME", suite.codename());
            env.put("CHANNEL", suite.channel());
        }
        env.put("DRY_RUN", Boolean.toString(run.getRequest().dryRun()));
        env.put("WORKSPACE", run.getRequest().workspace().toAbsolutePath().normalize().toString());
        env.put("SOURCE_DATE_EPOCH", Long.toString(run.reproducibleTime().getEpochSecond()));
        return env;
    }

    /** Its log and output directory are named after the stage it runs in (logs/<stage>/<name>.log). */
    private static ExecJob job(ReleaseRun run, String stage, String name, List<String> command, Duration timeout,
                               Map<String, String> env) {
        if (stage == null) {
            throw new IllegalStateException(name + ": builds run inside a stage (a pipeline step with an id)");
        }
        Path releaseDir = run.releaseDir();
        Path outputDir = Files2.recreateDirectory(releaseDir.resolve("work").resolve(stage).resolve(name));
        env.put("OUTPUT_DIR", outputDir.toString());
        Path log = releaseDir.resolve("logs").resolve(stage).resolve(name + ".log");
        return new ExecJob(stage, name, command, run.getRequest().workspace().toAbsolutePath().normalize(), env, timeout,
                log, outputDir);
    }

    private static List<ExecJob> planned(ReleaseRun run, String stage, List<ExecJob> jobs) {
        run.stage(stage).ifPresent(s -> s.plan(jobs.stream().map(ExecJob::name).toList()));
        return jobs;
    }
}
