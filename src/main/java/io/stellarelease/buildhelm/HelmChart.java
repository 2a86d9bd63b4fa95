package io.stellarelease.buildhelm;

import io.stellarelease.artifacts.HelmChartPackager;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.exec.ExecJob;
import io.stellarelease.exec.JobExecCommand;
import io.stellarelease.exec.JobExecResult;
import io.stellarelease.exec.ProcessTreeExecutor;
import io.stellarelease.state.Artifact;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;
import org.apache.camel.ExchangeProperty;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The build-helm stage: the chart packaged with version and appVersion set to the release version, then
 * checked by the configured lint command when it is on PATH (helm lint), by our own Chart.yaml rules otherwise.
 */
public class HelmChart {
    public static final String STAGE = "build-helm";
    public static final String HELM_DIR = "helm";

    private final ReleaseConfig config;
    private final ProcessTreeExecutor executor;
    private final HelmChartPackager packager = new HelmChartPackager();

    public HelmChart(ReleaseConfig config, ProcessTreeExecutor executor) {
        this.config = config;
        this.executor = executor;
    }

    public StepResult build(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        Instant started = Instant.now();
        String version = run.requireSuite().version();
        Path chartDir = run.getRequest().workspace().resolve(config.helm().chart());
        String name = chartDir.getFileName().toString();
        try {
            var chart = packager.pack(chartDir, version, version, run.releaseDir().resolve(HELM_DIR),
                    config.helm().packageName(), run.reproducibleTime());
            name = chart.name();
            Path tgz = chart.path();
            String lintedBy = "stella-release Chart.yaml checks";
            Path log = null;
            List<String> lint = config.helm().lint();
            if (lint != null && !lint.isEmpty() && onPath(lint.get(0)).isPresent()) {
                log = run.releaseDir().resolve("logs").resolve(STAGE).resolve("lint.log");
                List<String> command = new ArrayList<>(lint);
                command.add(tgz.toString());
                ExecJob job = new ExecJob(STAGE, "lint", command, run.releaseDir(), Map.of(), Duration.ofMinutes(5), log,
                        run.releaseDir());
                JobExecResult result = (JobExecResult) executor.execute(new JobExecCommand(job));
                if (result.getExitValue() != 0) {
                    return step(name, Status.FAILED, started, List.of(), Map.of(), relative(run, log),
                            String.join(" ", lint) + " failed with exit code " + result.getExitValue());
                }
                lintedBy = String.join(" ", lint);
            }
            Artifact artifact = new Artifact("helm", run.releaseDir().relativize(tgz).toString(), Files2.sha256(tgz),
                    Files.size(tgz));
            return step(name, Status.DONE, started, List.of(artifact),
                    Map.of("version", chart.version(), "appVersion", chart.appVersion(), "checkedBy", lintedBy),
                    relative(run, log), null);
        } catch (Exception e) {
            return step(name, Status.FAILED, started, List.of(), Map.of(), null, e.getMessage());
        }
    }

    private static String relative(ReleaseRun run, Path log) {
        return log == null ? null : run.releaseDir().relativize(log).toString();
    }

    static Optional<Path> onPath(String command) {
        if (command.contains("/")) {
            return Files.isExecutable(Path.of(command)) ? Optional.of(Path.of(command)) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static StepResult step(String chart, Status status, Instant started, List<Artifact> artifacts,
                                   Map<String, String> details, String log, String message) {
        Instant now = Instant.now();
        return new StepResult(STAGE, chart, status, null, started, now, Duration.between(started, now).toMillis(), log,
                artifacts, details, message);
    }
}
