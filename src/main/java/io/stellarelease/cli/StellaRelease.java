package io.stellarelease.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/** The {@code stella-release} command line: one sub-command per job. */
@Command(name = "stella-release",
        mixinStandardHelpOptions = true,
        versionProvider = StellaRelease.Version.class,
        description = "A release conductor: runs release pipelines written as Camel YAML routes.")
public class StellaRelease {

    /** The sub-commands, in the order the usage help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(ReleaseCommand.class, RollbackCommand.class, VerifyCommand.class,
            AirgapCommand.class, HotfixCommand.class, ServeCommand.class, DispatchCommand.class, WorkerCommand.class,
            CommandLine.HelpCommand.class);

    public static void main(String[] args) {
        // Before anything can start a process: the launch mechanism is read once, at the JVM's first process start.
        io.stellarelease.exec.ProcessTreeExecutor.preferDirectLaunch();
        System.exit(commandLine(args).execute(args));
    }

    /** The whole command line: every sub-command. */
    public static CommandLine commandLine() {
        return commandLine(COMMANDS);
    }

    /**
     * The command line for these arguments: when the first names a sub-command (not {@code help}), only that one.
     * picocli reads every sub-command's options, and its own classes, which the class-data archive cannot hold
     * (class version 49), when it adds a command: the others were ~12% of the Java samples of a {@code serve} start.
     * Anything else (no command, an option first, {@code help}, a typo) gets them all, for the usage and suggestions.
     */
    static CommandLine commandLine(String[] args) {
        if (args.length > 0 && !args[0].equals("help")) {
            for (Class<?> command : COMMANDS) {
                if (args[0].equals(command.getAnnotation(Command.class).name())) {
                    return commandLine(List.of(command));
                }
            }
        }
        return commandLine();
    }

    private static CommandLine commandLine(List<Class<?>> commands) {
        CommandLine cli = new CommandLine(new StellaRelease());
        for (Class<?> command : commands) {
            cli.addSubcommand(command);
        }
        // After the sub-commands: picocli applies a parser setting to the commands it already has.
        return cli.setCaseInsensitiveEnumValuesAllowed(true);
    }

    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = StellaRelease.class.getPackage().getImplementationVersion();
            return new String[] {"stella-release " + (v == null ? "(development build)" : v)};
        }
    }
}
