package io.stellarelease.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A broken route edit is refused before anything runs, as a configuration error (exit 2) said once: one line per
 * problem naming the route file, never Camel's own report of the start-up failure with its stack trace.
 */
class RouteEditRefusalTest {
    @TempDir
    Path tmp;

    /** Releases with a copy of routes/ whose {@code file} was edited; returns what the command printed. */
    private CliRun releaseWithEdit(String file, UnaryOperator<String> edit) throws IOException {
        Path routes = tmp.resolve("routes");
        Path source = Path.of("routes");
        try (Stream<Path> all = Files.walk(source)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = routes.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!Files.exists(target)) {
                    Files.copy(p, target);
                }
            }
        }
        Path edited = routes.resolve(file);
        String text = Files.readString(edited);
        String changed = edit.apply(text);
        assertThat(changed).isNotEqualTo(text);
        Files.writeString(edited, changed);
        Path properties = tmp.resolve("application.properties");
        Files.writeString(properties, Files.readString(Path.of("config/application.properties"))
                + "\nstella.pipeline.routes = file:" + routes + "/*.yaml\ncamel.component.kamelet.location = file:" + routes
                + "/kamelets\nstella.state-dir = " + tmp.resolve("state") + "\n");
        return CliRun.run("release", "suite-2026.04-nova", "--dry-run", "--skip-tests", "--out", tmp.resolve("out").toString(),
                "--properties", properties.toString());
    }

    private void assertSaidOnce(CliRun r) {
        assertThat(r.exit()).as(r.console()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("configuration error: ");
        assertThat(r.stderr()).doesNotContain("[ERROR]").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.stdout()).doesNotContain("> validate");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aStageThatNeedsWhatNoEarlierStageProducesIsSaidOnce() throws IOException {
        CliRun r = releaseWithEdit("pipeline.yaml", t -> t.replace("              - to: direct:build-modules\n", ""));

        assertSaidOnce(r);
        assertThat(r.stderr()).contains("pipeline.yaml:15: stage build-containers needs modules, which no earlier stage produces");
        assertThat(r.stderr().lines().filter(l -> l.contains("stage build-containers needs modules"))).hasSize(1);
    }

    @Test
    void aMisspeltKeyInAStageNoteIsRefusedNotIgnored() throws IOException {
        CliRun misspelt = releaseWithEdit("stage-build-helm.yaml", t -> t.replace("note: \"needs: release; produces: chart\"",
                "note: \"need: release; produces: chart\""));
        assertSaidOnce(misspelt);
        assertThat(misspelt.stderr()).contains("stage-build-helm.yaml").contains("the note of stage build-helm")
                .contains("got 'need: release' (did you mean needs:?)");
    }

    @Test
    void aStageNoteDeclaringWithoutColonsIsRefusedNotIgnored() throws IOException {
        CliRun noColon = releaseWithEdit("stage-build-helm.yaml", t -> t.replace("note: \"needs: release; produces: chart\"",
                "note: \"needs release, produces chart\""));
        assertSaidOnce(noColon);
        assertThat(noColon.stderr()).contains("the note of stage build-helm must declare with a colon: "
                + "'needs release, produces chart' declares nothing");
    }

    @Test
    void aStepIdUsedTwiceNamesTheRouteFile() throws IOException {
        // A node of build-helm given the id of build-cli's step.
        CliRun r = releaseWithEdit("stage-build-helm.yaml", t -> t.replace("""
                              - bean:
                                  ref: helmChart
                """, """
                              - bean:
                                  id: build-cli
                                  ref: helmChart
                """));

        assertSaidOnce(r);
        // Camel names the route that started second, which depends on start order: both files are named.
        assertThat(r.stderr()).contains("Duplicate id detected: build-cli").contains("stage-build-helm.yaml:")
                .contains("stage-build-cli.yaml:");
    }

    /** A user stage calling our kamelets, as README's examples do, with {@code to} as given. */
    private CliRun releaseWithUserStage(String to) throws IOException {
        Files.createDirectories(tmp.resolve("routes"));
        Files.writeString(tmp.resolve("routes/stage-notify.yaml"), """
                - route:
                    id: stage-notify
                    note: "needs: manifest"
                    from:
                      uri: direct:notify
                      steps:
                        - step:
                            id: notify
                            steps:
                              - setBody:
                                  constant: '{"text": "released"}'
                %s""".formatted(to.indent(14)));
        return releaseWithEdit("pipeline.yaml", t -> t.replace("              - to: direct:record-history\n",
                "              - to: direct:record-history\n              - to: direct:notify\n"));
    }

    @Test
    void kameletParametersThatCannotWorkAreRefusedBeforeAnyBuild() throws IOException {
        CliRun creds = releaseWithUserStage("""
                - to:
                    uri: kamelet:stella-http
                    parameters: {name: chat, url: "https://user:secret@chat.example.org/hooks/release"}
                """);
        assertSaidOnce(creds);
        assertThat(creds.stderr()).contains("stage-notify.yaml:").contains("stella-http chat: credentials in the URL are refused");
    }

    @Test
    void aStellaExecCommandThatIsNoListIsRefusedBeforeAnyBuild() throws IOException {
        CliRun command = releaseWithUserStage("""
                - to:
                    uri: kamelet:stella-exec
                    parameters: {name: spdx, command: "[bash, -c", timeout: PT5M}
                """);
        assertSaidOnce(command);
        assertThat(command.stderr()).contains("stage-notify.yaml:").contains("stella-exec spdx: stella-exec command must be a list");
    }

    @Test
    void aStellaExecTimeoutThatIsNoDurationIsRefusedBeforeAnyBuild() throws IOException {
        CliRun timeout = releaseWithUserStage("""
                - to:
                    uri: kamelet:stella-exec
                    parameters: {name: spdx, command: "[bash, build/sbom.sh]", timeout: 5 minutes}
                """);
        assertSaidOnce(timeout);
        // Camel itself refuses it as the kamelet's route is made; the file is named, the value too.
        assertThat(timeout.stderr()).contains("stage-notify.yaml:").contains("5 minutes");
    }

    @Test
    void anUnknownComponentNamesTheRouteFile() throws IOException {
        CliRun r = releaseWithEdit("stage-build-helm.yaml", t -> t.replace("""
                              - bean:
                                  ref: helmChart
                """, """
                              - to: {uri: "nosuchcomponent:x"}
                              - bean:
                                  ref: helmChart
                """));

        assertSaidOnce(r);
        assertThat(r.stderr()).contains("stage-build-helm.yaml:")
                .contains(": nosuchcomponent: is no Camel component on the class path (in 'nosuchcomponent:x')");
    }
}
