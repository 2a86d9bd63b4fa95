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
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service as a real process, stopped the hard way (SIGKILL) and the polite way (SIGTERM) in the
 * middle of a release: the acknowledged run survives, the builds it left are not left running, and the
 * next start resumes the run from the first stage it had not completed.
 */
class ServiceRestartTest {
    private ServiceFixture fixture;
    private Path properties;
    private Process service;

    private void prepare() throws IOException {
        fixture = new ServiceFixture(c -> {
            c.put("parallelism", 9);
            ServiceFixture.slowModules(c, "8");
        });
        properties = fixture.dir.resolve("application.properties");
        StringBuilder text = new StringBuilder(Files.readString(Path.of("config/application.properties")));
        fixture.overrides().forEach((k, v) -> text.append('\n').append(k).append(" = ").append(v));
        Files.writeString(properties, text.append('\n'));
    }

    private void startService() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.stellarelease.cli.StellaRelease", "serve",
                "--properties", properties.toString(), "--config", fixture.config.toString()));
        service = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(fixture.dir.resolve("service-" + Instant.now().toEpochMilli() + ".log").toFile()).start();
        fixture.awaitHealthy(service);
    }

    @AfterEach
    void stopService() throws InterruptedException {
        if (service != null && service.isAlive()) {
            service.destroyForcibly();
            service.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private String dispatch() {
        HttpResponse<String> r = fixture.post("/api/v1/dispatch",
                "{\"version\":\"2026.04\",\"codename\":\"Nova\"}".getBytes(),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return ServiceFixture.json(r).get("run").asText();
    }

    private JsonNode awaitBuildingModules(String id) {
        return fixture.awaitRun(id, r -> StreamSupport.stream(r.at("/pipeline/stages").spliterator(), false)
                .anyMatch(s -> s.get("name").asText().equals("build-modules") && s.get("status").asText().equals("RUNNING")),
                Duration.ofMinutes(2));
    }

    private JsonNode recordOnDisk(String id) throws IOException {
        return ServiceFixture.JSON.readTree(fixture.state.resolve("runs/" + id + ".json").toFile());
    }

    private String dispatch(String version, String codename, boolean dryRun) {
        HttpResponse<String> r = fixture.post("/api/v1/dispatch",
                ("{\"version\":\"" + version + "\",\"codename\":\"" + codename + "\",\"dryRun\":" + dryRun + "}").getBytes(),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return ServiceFixture.json(r).get("run").asText();
    }

    @Test
    void aKilledServiceKeepsEveryRunItAcknowledgedAlsoThoseOnlyInTheJournal() throws Exception {
        prepare();
        startService();
        // Two real releases start (and get files of their own); the dry runs of the same versions wait for them,
        // queued: their records are only in the journal when the service is killed.
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        for (boolean dryRun : new boolean[] {false, true}) {
            tags.put(dispatch("2026.04", "Nova", dryRun), "suite-2026.04-nova" + dryRun);
            tags.put(dispatch("2026.10", "Orion", dryRun), "suite-2026.10-orion" + dryRun);
        }
        service.destroyForcibly(); // SIGKILL right after the acknowledgements
        assertThat(service.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(tags.keySet().stream().filter(id -> !Files.exists(fixture.state.resolve("runs/" + id + ".json"))))
                .as("acknowledged runs recorded only in the journal").isNotEmpty();

        startService();
        for (var run : tags.entrySet()) {
            HttpResponse<String> r = fixture.get("/api/v1/runs/" + run.getKey());
            assertThat(r.statusCode()).as(run.getKey() + ": " + r.body()).isEqualTo(200);
            JsonNode record = ServiceFixture.json(r).get("run");
            assertThat(record.get("tag").asText() + record.get("dryRun").asBoolean()).isEqualTo(run.getValue());
            assertThat(record.get("state").asText()).isIn("queued", "running", "interrupted");
        }
    }

    @Test
    void aKilledServiceResumesTheRunItAcknowledged() throws Exception {
        prepare();
        startService();
        String id = dispatch();
        awaitBuildingModules(id);
        ServiceFixture.sleep(500);
        List<ProcessHandle> builds = service.toHandle().descendants().toList();
        assertThat(builds).as("module builds running under the service").isNotEmpty();

        service.destroyForcibly(); // SIGKILL: no shutdown hook, no chance to record anything
        assertThat(service.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(recordOnDisk(id).get("state").asText()).isEqualTo("running");

        startService();
        JsonNode resumed = awaitBuildingModules(id);
        assertThat(awaitGone(builds)).as("builds the killed service left behind, still running").isEmpty();
        assertThat(resumed.at("/run/attempts").asInt()).isEqualTo(2);

        JsonNode done = fixture.awaitRun(id, r -> !r.at("/run/state").asText().matches("queued|running|interrupted"),
                Duration.ofMinutes(3));
        assertThat(done.at("/run/state").asText()).as(done.toString()).isEqualTo("succeeded");
        Map<String, JsonNode> stages = new java.util.HashMap<>();
        done.at("/pipeline/stages").forEach(s -> stages.put(s.get("name").asText(), s));
        // validate and test-gate completed before the kill: kept, not run again. build-modules ran again.
        assertThat(stages.get("validate").get("earlierAttempt").asBoolean()).isTrue();
        assertThat(stages.get("test-gate").get("earlierAttempt").asBoolean()).isTrue();
        assertThat(stages.get("build-modules").get("earlierAttempt").asBoolean()).isFalse();
        assertThat(stages.get("build-modules").get("status").asText()).isEqualTo("DONE");
        assertThat(fixture.out.resolve("2026.04/suite-2026.04.yaml")).exists();
        assertThat(Fixtures.sha256sumPasses(fixture.out.resolve("2026.04"))).isTrue();
    }

    @Test
    void aKilledServiceResumesAModuleRunFromItsUnfinishedStage() throws Exception {
        prepare();
        Files.writeString(fixture.repo.resolve("src/Authority/CHANGELOG.md"), "## [1.4.0] - 2026-04-15\n\n- DPoP.\n");
        startService();
        HttpResponse<String> accepted = fixture.post("/api/v1/dispatch",
                "{\"kind\":\"module\",\"module\":\"Authority\",\"version\":\"1.4.0\"}".getBytes(),
                Map.of("Content-Type", "application/json", "Authorization", "Bearer " + ServiceFixture.TOKEN));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = ServiceFixture.json(accepted).get("run").asText();
        awaitBuildingModules(id);
        ServiceFixture.sleep(500);
        List<ProcessHandle> builds = service.toHandle().descendants().toList();
        assertThat(builds).as("the module's build running under the service").isNotEmpty();

        service.destroyForcibly(); // SIGKILL
        assertThat(service.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(recordOnDisk(id).get("state").asText()).isEqualTo("running");

        startService();
        JsonNode done = fixture.awaitRun(id, r -> !r.at("/run/state").asText().matches("queued|running|interrupted"),
                Duration.ofMinutes(3));
        assertThat(awaitGone(builds)).as("builds the killed service left behind, still running").isEmpty();
        assertThat(done.at("/run/state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.at("/run/kind").asText()).isEqualTo("module");
        assertThat(done.at("/run/attempts").asInt()).isEqualTo(2);
        Map<String, JsonNode> stages = new java.util.HashMap<>();
        done.at("/pipeline/stages").forEach(s -> stages.put(s.get("name").asText(), s));
        assertThat(stages.get("validate-module").get("earlierAttempt").asBoolean()).isTrue();
        assertThat(stages.get("build-modules").get("earlierAttempt").asBoolean()).isFalse();
        assertThat(stages.get("build-modules").get("steps")).hasSize(1);
        Path release = fixture.out.resolve("modules/authority/1.4.0");
        assertThat(release.resolve("module-authority-1.4.0.yaml")).exists();
        try (var nupkgs = Files.list(release.resolve("nuget"))) {
            assertThat(nupkgs.map(p -> p.getFileName().toString())).containsExactly("StellaOps.Authority.1.4.0.nupkg");
        }
    }

    @Test
    void sigtermStopsIntakeAndRecordsTheRunAsInterruptedThenItResumes() throws Exception {
        prepare();
        startService();
        String id = dispatch();
        awaitBuildingModules(id);
        ServiceFixture.sleep(500);
        List<ProcessHandle> builds = service.toHandle().descendants().toList();

        service.destroy(); // SIGTERM
        assertThat(service.waitFor(90, TimeUnit.SECONDS)).as("the service stops on SIGTERM").isTrue();
        assertThat(awaitGone(builds)).as("builds still running after the service stopped").isEmpty();
        JsonNode record = recordOnDisk(id);
        assertThat(record.get("state").asText()).isEqualTo("interrupted");

        startService();
        JsonNode done = fixture.awaitRun(id, r -> !r.at("/run/state").asText().matches("queued|running|interrupted"),
                Duration.ofMinutes(3));
        assertThat(done.at("/run/state").asText()).as(done.toString()).isEqualTo("succeeded");
    }

    /**
     * The processes among {@code processes} still running after a short grace: a killed process may stay a
     * zombie until the machine's init reaps it, which is dead for our purpose.
     */
    private static List<ProcessHandle> awaitGone(List<ProcessHandle> processes) {
        List<ProcessHandle> running = processes;
        for (int i = 0; i < 20; i++) {
            running = running.stream().filter(ServiceRestartTest::running).toList();
            if (running.isEmpty()) {
                break;
            }
            ServiceFixture.sleep(100);
        }
        return running;
    }

    private static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false; // gone between the two checks
        }
    }

    /** sha256sum -c in a release directory, run for real. */
    static final class Fixtures {
        static boolean sha256sumPasses(Path dir) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("sha256sum", "--strict", "-c", "SHA256SUMS-2026.04.txt").directory(dir.toFile())
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        }
    }
}
