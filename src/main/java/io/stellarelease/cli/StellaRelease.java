package io.stellarelease.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code stella-release} command line: one sub-command per job. */
@Command(name = "stella-release",
        mixinStandardHelpOptions = true,
        versionProvider = StellaRelease.Version.class,
        description = "A release conductor: runs release pipelines written as Camel YAML routes.",
        subcommands = {ReleaseCommand.class, ServeCommand.class, DispatchCommand.class, CommandLine.HelpCommand.class})
public class StellaRelease {

    /** How the JDK starts processes; read once, when the first process starts. */
    static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

    public static void main(String[] args) {
        // Every build is a process start. The JDK's default on Linux, posix_spawn through jspawnhelper, execs twice
        // per command; a JFR profile of 900 `true` builds had 86% of the build threads' native samples in
        // forkAndExec, and vfork + exec costs half as much here (see docs/BENCHMARKS.md). -D...=POSIX_SPAWN restores it.
        if (System.getProperty(LAUNCH_MECHANISM) == null) {
            System.setProperty(LAUNCH_MECHANISM, "VFORK");
        }
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new StellaRelease()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = StellaRelease.class.getPackage().getImplementationVersion();
            return new String[] {"stella-release " + (v == null ? "(development build)" : v)};
        }
    }
}
