package io.stellarelease.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * The command line run in this JVM as a person runs it: picocli, Camel Main, the real routes and logging, with
 * System.out and System.err captured (logback's console appender writes to whatever System.err is at the time).
 */
record CliRun(int exit, String stdout, String stderr) {

    static synchronized CliRun run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        StringWriter cliOut = new StringWriter();
        StringWriter cliErr = new StringWriter();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            var cli = StellaRelease.commandLine(args); // as main builds it
            cli.setOut(new PrintWriter(cliOut, true));
            cli.setErr(new PrintWriter(cliErr, true));
            int exit = cli.execute(args);
            return new CliRun(exit, stdout.toString(StandardCharsets.UTF_8) + cliOut,
                    stderr.toString(StandardCharsets.UTF_8) + cliErr);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Everything a person sees in the terminal. */
    String console() {
        return stdout + stderr;
    }
}
