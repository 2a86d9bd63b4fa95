package io.stellarelease.pipeline;

import io.stellarelease.state.ReleaseRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * The lines a person watches while a release runs: one per stage start and end, and progress in parallel
 * stages. As text they go to a stream (prefixed with the tag under {@code serve}, where runs interleave);
 * in JSON they are log events of the logger {@code stella.release} with the run, tag, stage and counters
 * as fields.
 */
public class ReleaseConsole {
    private static final Logger EVENTS = LoggerFactory.getLogger("stella.release");

    private final PrintStream out;
    private final boolean showRun;
    private final boolean json;

    public ReleaseConsole(PrintStream out) {
        this(out, false, false);
    }

    public ReleaseConsole(PrintStream out, boolean showRun, boolean json) {
        this.out = out;
        this.showRun = showRun;
        this.json = json;
    }

    public static ReleaseConsole quiet() {
        return new ReleaseConsole(new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    public void stageStarted(ReleaseRun run, String stage) {
        if (json) {
            event(run, "stage-started", "> " + stage).addKeyValue("stage", stage).log();
        } else {
            line(run, "> %s", stage);
        }
    }

    public void stageFinished(ReleaseRun run, String stage, String status, Duration took, String reason) {
        boolean hasReason = reason != null && !reason.isBlank();
        if (json) {
            LoggingEventBuilder e = event(run, "stage-finished",
                    String.format(Locale.ROOT, "< %s %s in %s", stage, status, format(took)))
                    .addKeyValue("stage", stage).addKeyValue("status", status).addKeyValue("durationMs", took.toMillis());
            (hasReason ? e.addKeyValue("reason", reason) : e).log();
        } else if (hasReason) {
            line(run, "< %s %s in %s: %s", stage, status, format(took), reason);
        } else {
            line(run, "< %s %s in %s", stage, status, format(took));
        }
    }

    public void stepFinished(ReleaseRun run, String stage, int done, int planned, String step, String status, Duration took) {
        if (json) {
            event(run, "step-finished", stage + " " + done + "/" + planned + " " + step + " " + status)
                    .addKeyValue("stage", stage).addKeyValue("step", step).addKeyValue("status", status)
                    .addKeyValue("done", done).addKeyValue("planned", planned).addKeyValue("durationMs", took.toMillis()).log();
        } else {
            // Concatenated, not String.format: a line per step, and the format parser cost more than the rest of it.
            print(run, "  " + stage + " " + done + "/" + planned + " " + step + " " + status + " (" + format(took) + ")");
        }
    }

    /** A stage an earlier attempt of this run completed: not run again. */
    public void doneEarlier(ReleaseRun run, String stage, String status) {
        if (json) {
            event(run, "stage-done-earlier", "= " + stage + " " + status + " in an earlier attempt")
                    .addKeyValue("stage", stage).addKeyValue("status", status).log();
        } else {
            line(run, "= %s %s in an earlier attempt", stage, status);
        }
    }

    public void print(String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    private LoggingEventBuilder event(ReleaseRun run, String event, String message) {
        return EVENTS.atInfo().setMessage(message).addKeyValue("event", event)
                .addKeyValue("run", run.getId()).addKeyValue("tag", run.getRequest().tag());
    }

    private void line(ReleaseRun run, String format, Object... args) {
        print(run, String.format(Locale.ROOT, format, args));
    }

    private void print(ReleaseRun run, String text) {
        print(showRun ? run.getRequest().tag() + " " + text : text);
    }

    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        return String.format(Locale.ROOT, "%dm%02ds", ms / 60_000, (ms / 1000) % 60);
    }
}
