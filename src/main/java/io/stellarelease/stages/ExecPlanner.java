package io.stellarelease.stages;

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
    public static final String TEST_GATE = "test-gate";
    public static final String BUILD_MODULES = "build-modules";
    public static final String BUILD_CLI = "build-cli";

    private final ReleaseConfig config;
    private final ModuleVersions moduleVersions;

    public ExecPlanner(ReleaseConfig config, ModuleVersions moduleVersions) {
        this.config = config;
        this.moduleVersions = moduleVersions;
    }

    public List<ExecJob> testSuites(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        List<ExecJob> jobs = new ArrayList<>();
        for (ReleaseConfig.TestSuite suite : config.testGate().suites()) {
            Map<String, String> env = releaseEnv(run);
            env.put("TEST_SUITE", suite.name());
            Duration timeout = suite.timeout() != null ? suite.timeout() : config.testGate().timeout();
            jobs.add(job(run, TEST_GATE, suite.name(), suite.command(), timeout, env));
        }
        return planned(run, jobs);
    }

    /** Every configured module for a suite; for a module release only that module, at the tag's version. */
    public List<ExecJob> moduleBuilds(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
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
            jobs.add(job(run, BUILD_MODULES, module.name(), command, timeout, env));
        }
        return planned(run, jobs);
    }

    public List<ExecJob> cliBuilds(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        List<ExecJob> jobs = new ArrayList<>();
        for (String rid : config.cli().runtimes()) {
            Map<String, String> env = releaseEnv(run);
            env.put("RID", rid);
            jobs.add(job(run, BUILD_CLI, rid, config.cli().command(), config.cli().timeout(), env));
        }
        return planned(run, jobs);
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

    private static ExecJob job(ReleaseRun run, String stage, String name, List<String> command, Duration timeout,
                               Map<String, String> env) {
        Path releaseDir = run.releaseDir();
        Path outputDir = Files2.recreateDirectory(releaseDir.resolve("work").resolve(stage).resolve(name));
        env.put("OUTPUT_DIR", outputDir.toString());
        Path log = releaseDir.resolve("logs").resolve(stage).resolve(name + ".log");
        return new ExecJob(stage, name, command, run.getRequest().workspace().toAbsolutePath().normalize(), env, timeout,
                log, outputDir);
    }

    private static List<ExecJob> planned(ReleaseRun run, List<ExecJob> jobs) {
        run.runningStage().ifPresent(stage -> stage.plan(jobs.stream().map(ExecJob::name).toList()));
        return jobs;
    }
}
