package io.stellarelease.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line builds only the sub-command its first argument names (picocli reads each one's options by
 * reflection), and is otherwise the same command line: the same help, the same settings, every command listed where
 * a person can see the list.
 */
class StellaReleaseTest {

    private static final List<String> ALL = StellaRelease.SUBCOMMANDS.stream()
            .map(c -> c.getAnnotation(Command.class).name()).toList();

    @Test
    void aNamedCommandIsTheOnlyOneBuiltAndIsBuiltAsInTheFullCommandLine() {
        assertThat(ALL).contains("release", "serve", "worker", "help").hasSize(9);
        CommandLine full = StellaRelease.commandLine();
        for (String name : ALL) {
            if (name.equals("help")) {
                continue;
            }
            CommandLine line = StellaRelease.commandLine(new String[] {name, "--whatever"});
            assertThat(line.getSubcommands().keySet()).as(name).containsExactly(name);
            CommandLine sub = line.getSubcommands().get(name);
            assertThat(sub.getUsageMessage()).as(name).isEqualTo(full.getSubcommands().get(name).getUsageMessage());
            assertThat(sub.isCaseInsensitiveEnumValuesAllowed()).as(name).isTrue();
            assertThat(sub.getSubcommands().keySet()).as(name).isEqualTo(full.getSubcommands().get(name).getSubcommands().keySet());
        }
    }

    @Test
    void anythingElseGetsEveryCommand() {
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"-V"}, new String[] {"help", "serve"},
                new String[] {"nosuch"}, new String[] {"Release"}, new String[] {"--dry-run", "release"})) {
            assertThat(StellaRelease.commandLine(args).getSubcommands().keySet()).as(String.join(" ", args)).containsExactlyElementsOf(ALL);
        }
    }

    @Test
    void theUsageAndAnUnknownCommandSayWhatTheyAlwaysSaid() {
        CliRun help = CliRun.run("--help");
        assertThat(help.exit()).isZero();
        for (String name : ALL) {
            assertThat(help.stdout()).contains("  " + name + " ");
        }
        CliRun unknown = CliRun.run("relase", "suite-2026.04-nova");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("Unmatched arguments from index 0: 'relase', 'suite-2026.04-nova'")
                .contains("Did you mean: stella-release release");
        CliRun helpOfOne = CliRun.run("help", "verify");
        assertThat(helpOfOne.exit()).isZero();
        assertThat(helpOfOne.stdout()).contains("Usage: stella-release verify");
    }
}
