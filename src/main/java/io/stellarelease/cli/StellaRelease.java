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
    static final List<Class<?>> SUBCOMMANDS = List.of(ReleaseCommand.class, RollbackCommand.class, VerifyCommand.class,
            AirgapCommand.class, HotfixCommand.class, ServeCommand.class, DispatchCommand.class, WorkerCommand.class,
            CommandLine.HelpCommand.class);

    public static void main(String[] args) {
        // Before anything can start a process: the launch mechanism is read once, at the JVM's first process start.
        io.stellarelease.exec.ProcessTreeExecutor.preferDirectLaunch();
        System.exit(commandLine(args).execute(args));
    }

    /** The command line with every sub-command. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line to run these arguments. picocli reads a sub-command's options from its annotations, by
     * reflection, when the sub-command is added: a fifth of a dry run's main-thread samples before Camel starts, for
     * eight sub-commands of which one runs. So when the first argument names a sub-command, only that one is added.
     * Anything else ({@code help}, {@code --version}, no argument, an unknown name) gets them all, so usage help and
     * picocli's "unknown command" message list them all.
     */
    static CommandLine commandLine(String[] args) {
        String first = args.length > 0 ? args[0] : "";
        List<Class<?>> named = "help".equals(first) ? List.of()
                : SUBCOMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(first)).toList();
        CommandLine line = new CommandLine(new StellaRelease());
        (named.isEmpty() ? SUBCOMMANDS : named).forEach(line::addSubcommand);
        return line.setCaseInsensitiveEnumValuesAllowed(true);
    }

    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = StellaRelease.class.getPackage().getImplementationVersion();
            return new String[] {"stella-release " + (v == null ? "(development build)" : v)};
        }
    }
}
