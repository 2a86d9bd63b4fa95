package io.stellarelease.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code stella-release} command line: one sub-command per job. */
@Command(name = "stella-release",
        mixinStandardHelpOptions = true,
        versionProvider = StellaRelease.Version.class,
        description = "A release conductor: runs release pipelines written as Camel YAML routes.",
        subcommands = {ReleaseCommand.class, RollbackCommand.class, VerifyCommand.class, AirgapCommand.class, HotfixCommand.class, ServeCommand.class, DispatchCommand.class, WorkerCommand.class, CommandLine.HelpCommand.class})
public class StellaRelease {

    public static void main(String[] args) {
        // Before anything can start a process: the launch mechanism is read once, at the JVM's first process start.
        io.stellarelease.exec.ProcessTreeExecutor.preferDirectLaunch();
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
