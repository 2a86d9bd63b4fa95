package io.stellarelease.pipeline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** The lines a person watches while a release runs: one per stage start and end, and progress in parallel stages. */
public class ReleaseConsole {
    private final PrintStream out;

    public ReleaseConsole(PrintStream out) {
        this.out = out;
    }

    public static ReleaseConsole quiet() {
        return new ReleaseConsole(new PrintStream(java.io.OutputStream.nullOutputStream()));
    }

    public void stageStarted(String stage) {
        line("> %s", stage);
    }

    public void stageFinished(String stage, String status, Duration took, String reason) {
        if (reason == null || reason.isBlank()) {
            line("< %s %s in %s", stage, status, format(took));
        } else {
            line("< %s %s in %s: %s", stage, status, format(took), reason);
        }
    }

    public void stepFinished(String stage, int done, int planned, String step, String status, Duration took) {
        line("  %s %d/%d %s %s (%s)", stage, done, planned, step, status, format(took));
    }

    public void print(String text) {
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    private void line(String format, Object... args) {
        print(String.format(Locale.ROOT, format, args));
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
