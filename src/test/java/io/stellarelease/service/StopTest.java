package io.stellarelease.service;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stop is a clean stop: SIGTERM to a real {@code serve} (and to a one-shot {@code release}) while a parallel
 * stage builds. The module builds record their pids (the shell's and its {@code sleep}'s); one of them ignores
 * SIGTERM, so only the SIGKILL after the stop grace ends it. With parallelism 2 and nine modules, a build that
 * starts after the SIGTERM would show up as a third pid file.
 */
class StopTest {
    /** Far under Camel's shutdown timeout (30 s in config/application.properties), far over the 2 s grace set here. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(20);

    private ServiceFixture fixture;
    private Path properties;
    private Path markers;
    private Process process;

    private void prepare() throws IOException {
        fixture = new ServiceFixture(c -> c.put("parallelism", 2));
        markers = Files.createDirectories(fixture.dir.resolve("markers"));
        Files.writeString(markers.resolve("slow"), "");
        // The build: its pids first, then, while markers/slow exists, a long wait (Authority ignores SIGTERM in it).
        Path build = fixture.dir.resolve("slow-build.sh");
        Files.writeString(build, """
                #!/usr/bin/env bash
                echo $$ >> "$STELLA_TEST_MARKERS/$MODULE.pids"
                if [[ -e "$STELLA_TEST_MARKERS/slow" ]]; then
                  if [[ "$MODULE" == Authority ]]; then trap '' TERM; fi
                  sleep 300 &
                  echo $! >> "$STELLA_TEST_MARKERS/$MODULE.pids"
                  wait
                fi
                exec bash build/build-module.sh
                """);
        // The configuration again, now with the build's absolute path.
        var config = (com.fasterxml.jackson.databind.node.ObjectNode) ServiceFixture.YAML.readTree(fixture.config.toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) config.get("modules"))
                .set("command", config.arrayNode().add("bash").add(build.toString()));
        ServiceFixture.YAML.writeValue(fixture.config.toFile(), config);

        properties = fixture.dir.resolve("application.properties");
        StringBuilder text = new StringBuilder(Files.readString(Path.of("config/application.properties")));
        fixture.overrides().forEach((k, v) -> text.append('\n').append(k).append(" = ").append(v));
        text.append("\nstella.exec.stop-grace = 2s\n");
        Files.writeString(properties, text);
    }

    private Process launch(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.stellarelease.cli.StellaRelease"));
        command.addAll(List.of(args));
        command.addAll(List.of("--properties", properties.toString(), "--config", fixture.config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(fixture.dir.resolve(args[0] + "-" + Instant.now().toEpochMilli() + ".log").toFile());
        builder.environment().put("STELLA_TEST_MARKERS", markers.toString());
        return builder.start();
    }

    private void startService() throws IOException {
        process = launch("serve");
        fixture.awaitHealthy(process);
    }

    @AfterEach
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        if (markers != null) {
            // Whatever a failed assertion left running.
            pids().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    /** Waits until two builds (each a shell and its sleep) are waiting, then returns their pid files. */
    private List<Path> awaitTwoBuildsWaiting() throws IOException {
        Instant end = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(end)) {
            assertThat(process.isAlive()).as("exited before building; see " + fixture.dir).isTrue();
            List<Path> files = pidFiles();
            if (files.size() >= 2 && files.stream().allMatch(f -> lines(f) >= 2)) {
                ServiceFixture.sleep(300); // let the Authority shell reach its wait with SIGTERM ignored
                return files;
            }
            ServiceFixture.sleep(200);
        }
        throw new AssertionError("no two module builds running after 120 s; see " + fixture.dir);
    }

    private List<Path> pidFiles() throws IOException {
        try (Stream<Path> files = Files.list(markers)) {
            return files.filter(f -> f.toString().endsWith(".pids")).sorted().toList();
        }
    }

    private List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        for (Path file : pidFiles()) {
            Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(Long::parseLong).forEach(pids::add);
        }
        return pids;
    }

    private static int lines(Path file) {
        try {
            return (int) Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Those of {@code pids} still running after a short while (a signal takes a moment to land); zombies count as dead. */
    private static List<Long> stillRunning(List<Long> pids) {
        List<Long> left = pids;
        for (int i = 0; i < 20 && !left.isEmpty(); i++) {
            left = left.stream().filter(StopTest::running).toList();
            ServiceFixture.sleep(100);
        }
        return left;
    }

    private static boolean running(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends SIGTERM and returns how long the process took to exit, failing past the bound. */
    private Duration terminate() throws InterruptedException {
        Instant sent = Instant.now();
        process.destroy(); // SIGTERM
        boolean exited = process.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS);
        Duration took = Duration.between(sent, Instant.now());
        assertThat(exited).as("exited within " + STOP_BOUND + " of SIGTERM; see " + fixture.dir).isTrue();
        System.out.println("StopTest: exited " + took.toMillis() + " ms after SIGTERM");
        return took;
    }

    @Test
    void sigtermEndsEveryBuildStartsNoneRecordsTheRunInterruptedAndExitsQuickly() throws Exception {
        prepare();
        startService();
        HttpResponse<String> accepted = fixture.post("/api/v1/dispatch", "{\"version\":\"2026.04\",\"codename\":\"Nova\"}".getBytes(),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = ServiceFixture.json(accepted).get("run").asText();
        List<Path> before = awaitTwoBuildsWaiting();

        terminate();

        assertThat(pidFiles()).as("module builds started after the SIGTERM").isEqualTo(before);
        assertThat(stillRunning(pids()))
                .as("build processes that outlived the service").isEmpty();
        JsonNode record = ServiceFixture.JSON.readTree(fixture.state.resolve("runs/" + id + ".json").toFile());
        assertThat(record.get("state").asText()).as(record.toString()).isEqualTo("interrupted");

        Files.delete(markers.resolve("slow"));
        startService();
        JsonNode done = fixture.awaitRun(id, r -> !r.at("/run/state").asText().matches("queued|running|interrupted"),
                Duration.ofMinutes(3));
        assertThat(done.at("/run/state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.at("/run/attempts").asInt()).isEqualTo(2);
    }

    @Test
    void sigtermEndsAOneShotReleaseWithItsBuildsAndSaysItWasInterrupted() throws Exception {
        prepare();
        process = launch("release", "suite-2026.04-nova", "--out", fixture.out.toString());
        List<Path> before = awaitTwoBuildsWaiting();

        terminate();

        assertThat(process.exitValue()).as("exit status").isNotZero();
        assertThat(pidFiles()).as("module builds started after the SIGTERM").isEqualTo(before);
        assertThat(stillRunning(pids()))
                .as("build processes that outlived the release").isEmpty();
        String output;
        try (Stream<Path> logs = Files.list(fixture.dir)) {
            Path log = logs.filter(f -> f.getFileName().toString().startsWith("release-")).findFirst().orElseThrow();
            output = Files.readString(log);
        }
        assertThat(output).contains("release suite-2026.04-nova interrupted");
    }
}
