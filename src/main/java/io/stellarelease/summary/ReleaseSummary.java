package io.stellarelease.summary;

import io.stellarelease.pipeline.ReleaseConsole;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.state.Artifact;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The summary stage: {@code summary.md}, a table of stages and one per parallel stage's steps, and the total time. */
public class ReleaseSummary {
    public static final String FILE = "summary.md";

    public String write(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        String text = render(run, Instant.now());
        run.setSummary(text);
        if (run.isValidated()) {
            Path file = run.releaseDir().resolve(FILE);
            try {
                Files2.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + file, e);
            }
        }
        return text;
    }

    String render(ReleaseRun run, Instant now) {
        StringBuilder md = new StringBuilder();
        SuiteVersion suite = run.getSuite();
        // The summary stage is still running while it renders: the outcome is known from the stages before it.
        boolean failed = run.getFailure() != null;
        String outcome = failed ? "FAILED" : "succeeded";
        if (run.isRollback()) {
            md.append("# Rollback ").append(run.getRequest().tag().substring("rollback-".length())).append(": ").append(outcome).append('\n');
        } else if (run.isModuleRelease() && run.getModule() != null) {
            md.append("# Module release ").append(run.getModule().module()).append(' ').append(run.getModule().version())
                    .append(": ").append(outcome).append('\n');
        } else if (suite != null) {
            md.append("# Release ").append(suite.version()).append(' ').append(suite.codename())
                    .append(" (").append(suite.channel()).append("): ").append(outcome).append('\n');
        } else {
            md.append("# Release ").append(run.getRequest().tag()).append(": ").append(outcome).append('\n');
        }
        md.append('\n');
        md.append("- Tag: `").append(cell(run.getRequest().tag())).append("`\n");
        if (run.getCommit() != null) {
            md.append("- Commit: `").append(run.getCommit()).append("`\n");
        }
        md.append("- Dry run: ").append(run.getRequest().dryRun() ? "yes" : "no").append('\n');
        md.append("- Total time: ").append(ReleaseConsole.format(Duration.between(run.getStartedAt(), now))).append('\n');
        if (failed) {
            md.append("- Failure: ").append(cell(firstLine(run.getFailure()))).append('\n');
        }
        md.append("\n## Stages\n\n| stage | status | duration | note |\n|---|---|---|---|\n");
        for (StageRecord stage : run.getStages()) {
            if (stage.getName().equals("summary")) {
                continue;
            }
            md.append("| ").append(stage.getName()).append(" | ").append(stage.getStatus().label()).append(" | ")
                    .append(stage.getDurationMs() == null ? "" : ReleaseConsole.format(Duration.ofMillis(stage.getDurationMs())))
                    .append(" | ").append(cell(firstLine(stage.getReason()))).append(" |\n");
        }
        for (StageRecord stage : run.getStages()) {
            List<StepResult> steps = stage.getSteps();
            if (steps.isEmpty()) {
                continue;
            }
            md.append("\n## ").append(stage.getName()).append("\n\n| step | status | duration | artifact | sha256 / digest | note |\n")
                    .append("|---|---|---|---|---|---|\n");
            for (StepResult step : steps) {
                Artifact artifact = step.artifacts().isEmpty() ? null : step.artifacts().get(0);
                String digest = step.details().getOrDefault("digest", artifact == null ? "" : artifact.sha256());
                md.append("| ").append(cell(step.name())).append(" | ").append(statusOf(step)).append(" | ")
                        .append(ReleaseConsole.format(Duration.ofMillis(step.durationMs()))).append(" | ")
                        .append(artifact == null ? "" : "`" + cell(artifact.path()) + "`").append(" | ")
                        .append(digest.isEmpty() ? "" : "`" + digest + "`").append(" | ")
                        .append(cell(step.message() == null ? "" : step.message()))
                        .append(step.status().failed() && step.log() != null ? " (log: `" + step.log() + "`)" : "")
                        .append(" |\n");
            }
        }
        if (run.getRollbackCommands() != null) {
            // The exact argument lists, one per line: what a dry run shows an operator before running it for real.
            md.append("\n## Commands").append(run.getRequest().dryRun() ? " (dry run: not run)" : "").append("\n\n```\n");
            run.getRollbackCommands().forEach(c -> md.append(String.join(" ", c)).append('\n'));
            md.append("```\n");
        }
        if (!run.getWarnings().isEmpty()) {
            md.append("\n## Warnings\n\n");
            run.getWarnings().forEach(w -> md.append("- ").append(cell(w)).append('\n'));
        }
        return md.toString();
    }

    /**
     * A step's status as the summary shows it: a publishing step that found its target already there (a NuGet 409,
     * a chart Gitea has) sent nothing, and says so ({@code skipped-duplicate}) rather than {@code done}.
     */
    static String statusOf(StepResult step) {
        String outcome = step.details().get("outcome");
        if (step.status() == io.stellarelease.state.Status.DONE && outcome != null && outcome.startsWith("skipped-")) {
            return outcome;
        }
        return step.status().label();
    }

    /** The table of the stages that finished so far: what a release body shows of the run. */
    public String stagesTable(ReleaseRun run) {
        StringBuilder md = new StringBuilder("| stage | status | duration | note |\n|---|---|---|---|\n");
        for (StageRecord stage : run.getStages()) {
            if (stage.getFinishedAt() == null) {
                continue;
            }
            md.append("| ").append(stage.getName()).append(" | ").append(stage.getStatus().label()).append(" | ")
                    .append(ReleaseConsole.format(Duration.ofMillis(stage.getDurationMs()))).append(" | ")
                    .append(cell(firstLine(stage.getReason()))).append(" |\n");
        }
        return md.toString();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    /** Keeps a value inside its table cell: a tag or a log line must not break the Markdown. */
    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ").replace("`", "'");
    }
}
