package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stellarelease.cli.StellaRelease;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Editing the YAML as a Camel user would, through the command line: an edit either works fully or is refused before
 * anything runs, with the route file and line, exit 2; a pipeline that stops early fails.
 * The real routes are copied from routes/ and edited in a temporary directory.
 */
class PipelineYamlTest {
    @TempDir
    Path tmp;
    Path routes;
    Path out;
    Path config;
    Path properties;

    record Result(int exit, String stdout, String stderr) { }

    @BeforeEach
    void copyRoutes() throws IOException {
        routes = tmp.resolve("routes");
        Fixtures.copyTree(Fixtures.REPO_ROOT.resolve("routes"), routes);
        Path workspace = Fixtures.exampleRepository(tmp.resolve("workspace"), "suite-2026.04-nova");
        out = tmp.resolve("out");
        config = Fixtures.config(tmp.resolve("release.yaml"), c -> {
            c.put("workspace", workspace.toString());
            c.put("output", out.toString());
        });
        properties = tmp.resolve("application.properties");
        Files.writeString(properties, Files.readString(Fixtures.REPO_ROOT.resolve("config/application.properties"))
                + "\ncamel.main.routes-include-pattern = file:" + routes + "/*.yaml"
                + "\nstella.state-dir = " + tmp.resolve("state") + "\n");
    }

    void edit(String file, String from, String to) throws IOException {
        Path path = routes.resolve(file);
        String text = Files.readString(path);
        assertThat(text).as(file).contains(from);
        Files.writeString(path, text.replace(from, to));
    }

    Result release(String... options) {
        List<String> args = new ArrayList<>(List.of("release", "suite-2026.04-nova", "--properties", properties.toString(),
                "--config", config.toString(), "--skip-tests"));
        args.addAll(List.of(options));
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true));
            System.setErr(new PrintStream(stderr, true));
            int exit = StellaRelease.commandLine().execute(args.toArray(String[]::new));
            return new Result(exit, stdout.toString(), stderr.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    JsonNode state() throws IOException {
        return new ObjectMapper().readTree(out.resolve("2026.04/state.json").toFile());
    }

    static List<String> steps(JsonNode state, String stage) {
        List<String> names = new ArrayList<>();
        for (JsonNode s : state.path("stages")) {
            if (s.path("name").asText().equals(stage)) {
                s.path("steps").forEach(step -> names.add(step.path("name").asText()));
            }
        }
        return names;
    }

    @Test
    void removingBuildModulesIsRefusedBeforeAnyCommandRuns() throws IOException {
        edit("pipeline.yaml", "              - to: direct:build-modules\n", "");

        Result r = release("--dry-run");

        assertThat(r.exit()).as(r.stderr()).isEqualTo(2);
        assertThat(r.stderr()).containsPattern("pipeline\\.yaml:\\d+: stage build-containers needs modules, which no earlier stage produces")
                .containsPattern("pipeline\\.yaml:\\d+: stage release-manifest needs modules");
        assertThat(out).doesNotExist();
    }

    @Test
    void movingBuildContainersBeforeBuildModulesIsRefused() throws IOException {
        edit("pipeline.yaml", "              - to: direct:build-modules\n              - to: direct:build-containers\n",
                "              - to: direct:build-containers\n              - to: direct:build-modules\n");

        Result r = release("--dry-run");

        assertThat(r.exit()).as(r.stderr()).isEqualTo(2);
        assertThat(r.stderr()).containsPattern("pipeline\\.yaml:15: stage build-containers needs modules, which no earlier stage "
                + "produces \\(build-modules produces it: list it before build-containers");
        assertThat(out).doesNotExist();
    }

    @Test
    void aMisspelledStageIsRefusedAtStartWithADidYouMean() throws IOException {
        edit("pipeline.yaml", "- to: direct:build-cli\n", "- to: direct:buld-cli\n");

        Result r = release("--dry-run");

        assertThat(r.exit()).as(r.stderr()).isEqualTo(2);
        assertThat(r.stderr()).containsPattern("pipeline\\.yaml:\\d+: stage buld-cli has no route \\(from: direct:buld-cli\\) "
                + "\\(did you mean build-cli\\?\\)");
        assertThat(out).doesNotExist();
    }

    @Test
    void removingBuildHelmAndPublishHelmGivesAValidReleaseWithoutAChart() throws IOException {
        edit("pipeline.yaml", "              - to: direct:build-helm\n", "");
        edit("pipeline.yaml", "              - to: direct:publish-helm\n", "");

        Result r = release("--dry-run");

        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
        Path dir = out.resolve("2026.04");
        assertThat(dir.resolve("suite-2026.04.yaml")).content().contains("modules:").contains("cli:").doesNotContain(".tgz");
        assertThat(dir.resolve("SHA256SUMS-2026.04.txt")).content().contains("suite-2026.04.yaml").doesNotContain(".tgz");
        assertThat(dir.resolve("summary.md")).content().doesNotContain("build-helm").doesNotContain("publish-helm");
        assertThat(Fixtures.run(dir, "sha256sum", "--strict", "-c", "SHA256SUMS-2026.04.txt")).doesNotContain("FAILED");
    }

    @Test
    void anOnExceptionThatHandlesAnErrorInAStageFailsTheRunNamingThatStage() throws IOException {
        edit("stage-build-cli.yaml", "- route:\n    id: stage-build-cli\n", """
                - routeConfiguration:
                    id: cli-errors
                    onException:
                      - onException:
                          exception: [java.lang.IllegalStateException]
                          handled:
                            constant: true
                          steps:
                            - log: "the CLI build failed: ${exception.message}"
                - route:
                    id: stage-build-cli
                    routeConfigurationId: cli-errors
                """);
        edit("stage-build-cli.yaml", "            steps:\n              - bean:\n                  ref: execPlanner\n", """
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalStateException
                                  message: no CLI today
                              - bean:
                                  ref: execPlanner
                """);

        Result r = release("--dry-run");

        assertThat(r.exit()).as(r.stdout() + r.stderr()).isEqualTo(1);
        // Said once: the stage's end line gives the reason, the last line the stage and its route file.
        assertThat(r.stdout()).containsOnlyOnce("< build-cli failed")
                .contains("handled by an onException (no CLI today), which stops the pipeline at this stage");
        assertThat(r.stderr()).contains("release suite-2026.04-nova failed at build-cli (" + routes.resolve("stage-build-cli.yaml")
                + ") (exit 1)");
        assertThat(r.stdout()).doesNotContain("released suite-2026.04-nova");
        assertThat(out.resolve("2026.04/summary.md")).content().contains("failed").contains("| build-cli | failed");
    }

    @Test
    void aMulticastOverBuildCliAndBuildContainersAttributesEveryStepToItsStage() throws IOException {
        edit("pipeline.yaml", "              - to: direct:build-containers\n              - to: direct:build-cli\n", """
                              - multicast:
                                  parallelProcessing: true
                                  steps:
                                    - to: direct:build-cli
                                    - to: direct:build-containers
                """);

        Result r = release("--dry-run");

        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
        JsonNode state = state();
        assertThat(steps(state, "build-cli")).containsExactlyInAnyOrder("linux-x64", "linux-arm64", "win-x64", "osx-x64", "osx-arm64");
        assertThat(steps(state, "build-containers")).isNotEmpty().allSatisfy(step -> assertThat(step).doesNotContain("-x64", "-arm64"));
        assertThat(out.resolve("2026.04/suite-2026.04.yaml")).content().contains("runtime: win-x64").contains("image:");
    }

    @Test
    void aYamlNotifyStageIsRecordedAndNotSentInADryRunAndSentInARealRun() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
            edit("pipeline.yaml", "              - to: direct:record-history\n",
                    "              - to: direct:record-history\n              - to: direct:notify\n");
            Files.writeString(routes.resolve("stage-notify.yaml"), """
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
                                      simple: '{"text": "released ${exchangeProperty.releaseTag} (${exchangeProperty.channel})"}'
                                  - to:
                                      uri: kamelet:stella-http
                                      parameters:
                                        name: chat
                                        url: "%s"
                    """.formatted(url));

            Result dry = release("--dry-run");

            assertThat(dry.exit()).as(dry.stdout() + dry.stderr()).isZero();
            assertThat(received).isEmpty();
            JsonNode plan = new ObjectMapper().readTree(out.resolve("2026.04/release-plan.json").toFile());
            assertThat(plan.path("requests")).anySatisfy(request -> {
                assertThat(request.path("stage").asText()).isEqualTo("notify");
                assertThat(request.path("step").asText()).isEqualTo("chat");
                assertThat(request.path("method").asText()).isEqualTo("POST");
                assertThat(request.path("url").asText()).isEqualTo(url);
                assertThat(request.path("json").path("text").asText()).isEqualTo("released suite-2026.04-nova (edge)");
            });
            assertThat(steps(state(), "notify")).containsExactly("chat");

            Result real = release();

            assertThat(real.exit()).as(real.stdout() + real.stderr()).isZero();
            assertThat(received).containsExactly("{\"text\": \"released suite-2026.04-nova (edge)\"}");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aYamlIndentationErrorExitsWith2NamingFileAndLineInOneLine() throws IOException {
        edit("stage-build-cli.yaml", "    id: stage-build-cli\n", "    id: stage-build-cli\n   note: misindented\n");

        Result r = release("--dry-run");

        assertThat(r.exit()).as(r.stdout() + r.stderr()).isEqualTo(2);
        assertThat(r.stderr().strip().lines().toList()).hasSize(1).first().asString()
                .startsWith("configuration error: " + routes.resolve("stage-build-cli.yaml") + ":5:");
        assertThat(out).doesNotExist();
    }
}
