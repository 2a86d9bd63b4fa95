package io.stellarelease.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a person reads in the terminal, through the real command line, configuration and routes: a failure is said
 * once, plainly, with its stage (no Camel error-handler block, no message-history table); help texts are whole;
 * a finished dry run's state.json says when it finished.
 */
class ConsoleTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static int occurrences(String text, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void saidOncePlainly(CliRun r, String reason) {
        assertThat(occurrences(r.console(), reason)).as("how often the console says '%s':%n%s", reason, r.console()).isEqualTo(1);
        assertThat(r.console()).doesNotContain("Message History").doesNotContain("DefaultErrorHandler")
                .doesNotContain("Failed delivery").doesNotContain("Exception");
    }

    @Test
    void aRuleFailureIsSaidOnceWithItsStage() {
        CliRun r = CliRun.run("release", "suite-2026.05-nova", "--out", tmp.resolve("out").toString(), "--dry-run");

        assertThat(r.exit()).as(r.console()).isEqualTo(3);
        String reason = "suite month must be 04 or 10: got 05";
        saidOncePlainly(r, reason);
        assertThat(r.stdout()).contains("< validate failed in ").contains("validate failed in").contains(reason);
        assertThat(r.stderr()).contains("release suite-2026.05-nova failed at validate");
    }

    @Test
    void aStageFailureIsSaidOnceWithItsStageAndTheLogsLastLines() throws IOException {
        // The real configuration, with the contract suite of the test gate replaced by a command that fails.
        ObjectNode config = (ObjectNode) YAML.readTree(Path.of("config/release.yaml").toFile());
        for (JsonNode suite : config.at("/testGate/suites")) {
            if (suite.get("name").asText().equals("contract")) {
                ((ObjectNode) suite).set("command", ((ArrayNode) JSON.createArrayNode())
                        .add("bash").add("-c").add("echo 'contract: the API broke' >&2; exit 4"));
            }
        }
        config.put("workspace", Path.of(config.get("workspace").asText()).toAbsolutePath().toString());
        Path file = tmp.resolve("release.yaml");
        YAML.writeValue(file.toFile(), config);

        CliRun r = CliRun.run("release", "suite-2026.04-nova", "--out", tmp.resolve("out").toString(), "--dry-run",
                "--config", file.toString());

        assertThat(r.exit()).as(r.console()).isEqualTo(1);
        saidOncePlainly(r, "1 of 3 failed: contract (exit code 4)");
        // The failed step's last log lines follow the stage's end line, once (the log's header echoes the command).
        assertThat(occurrences(r.console(), "\ncontract: the API broke\n")).as(r.console()).isEqualTo(1);
        assertThat(r.stdout()).contains("< test-gate failed in ");
        assertThat(r.stderr()).contains("release suite-2026.04-nova failed at test-gate")
                .contains(tmp.resolve("out/2026.04/summary.md").toString());
        assertThat(tmp.resolve("out/2026.04/summary.md")).content().contains("1 of 3 failed: contract (exit code 4)");
    }

    @Test
    void aFinishedDryRunRecordsWhenItFinished() throws IOException {
        CliRun r = CliRun.run("release", "suite-2026.04-nova", "--out", tmp.resolve("out").toString(), "--dry-run",
                "--skip-tests");

        assertThat(r.exit()).as(r.console()).isZero();
        JsonNode state = JSON.readTree(tmp.resolve("out/2026.04/state.json").toFile());
        assertThat(state.get("finishedAt").isNull()).as(state.toPrettyString()).isFalse();
        assertThat(state.get("finishedAt").asText()).isGreaterThanOrEqualTo(state.get("startedAt").asText());
    }

    /** Every command's and option's description appears whole in its help (wrapped lines joined), and in the list of commands. */
    @Test
    void helpTextsAreWhole() {
        List<CommandSpec> commands = new ArrayList<>();
        collect(StellaRelease.commandLine().getCommandSpec(), commands);
        assertThat(commands).hasSizeGreaterThan(6);
        for (CommandSpec spec : commands) {
            String[] args = spec.qualifiedName(" ").replaceFirst("^stella-release ?", "").isEmpty()
                    ? new String[] {"--help"}
                    : (spec.qualifiedName(" ").replaceFirst("^stella-release ", "") + " --help").split(" ");
            CliRun r = CliRun.run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            String help = joined(r.stdout());
            for (String text : descriptions(spec)) {
                assertThat(help).as("help of '%s' shows whole: %s%n%s", spec.qualifiedName(" "), text, r.stdout()).contains(text);
            }
            for (CommandLine sub : spec.subcommands().values()) {
                // The list shows a command's header, else the first part of its description: it must be a whole sentence.
                var usage = sub.getCommandSpec().usageMessage();
                String summary = joined(usage.header().length > 0 ? usage.header()[0] : usage.description()[0]);
                assertThat(summary).as("summary of '%s'", sub.getCommandName()).endsWith(".");
                assertThat(help).as("the command list of '%s' shows '%s' whole", spec.qualifiedName(" "), sub.getCommandName())
                        .contains(summary);
            }
        }
    }

    private static void collect(CommandSpec spec, List<CommandSpec> into) {
        into.add(spec);
        spec.subcommands().values().stream().filter(c -> !c.getCommandName().equals("help"))
                .forEach(c -> collect(c.getCommandSpec(), into));
    }

    private static List<String> descriptions(CommandSpec spec) {
        List<String> texts = new ArrayList<>();
        for (String d : spec.usageMessage().description()) {
            texts.add(joined(d));
        }
        for (ArgSpec arg : spec.args()) {
            if (arg.descriptionKey() != null && !arg.descriptionKey().isEmpty()) {
                continue;
            }
            for (String d : arg.description()) {
                texts.add(joined(d.replace("${DEFAULT-VALUE}", String.valueOf(arg.defaultValue()))));
            }
        }
        return texts;
    }

    /** Text as a reader takes it in: wrapped lines joined with one space. */
    private static String joined(String text) {
        return text.replace("%n", " ").replaceAll("\\s+", " ").strip();
    }
}
