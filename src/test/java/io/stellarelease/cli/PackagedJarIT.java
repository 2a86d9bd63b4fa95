package io.stellarelease.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar as a user starts it (`java -jar target/stella-release.jar serve`), after `package`: the one jar
 * with the runtime dependencies merged in, none of the test classpath. A component the routes use but the pom gives
 * only to the tests (camel-timer once did), or a Camel service file lost in the merge, keeps serve from starting,
 * and only this catches it.
 */
class PackagedJarIT {
    @TempDir
    Path dir;

    @Test
    void serveFromTheBuiltJarBecomesHealthyAndStopsOnSigterm() throws Exception {
        Path jar = Path.of("target/stella-release.jar").toAbsolutePath();
        assertThat(jar).exists();
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = dir.resolve("serve.log");
        Path properties = Files.writeString(dir.resolve("it.properties"),
                Files.readString(Path.of("config/application.properties"))
                        + "\nstella.dispatch.dir = " + dir.resolve("queue") + "\n");
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "serve", "--port", Integer.toString(port), "--state", dir.resolve("state").toString(),
                "--properties", properties.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("STELLA_WEBHOOK_SECRET", "packaged-jar-it-secret");
        builder.environment().put("STELLA_DISPATCH_TOKEN", "packaged-jar-it-token");
        Process serve = builder.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                    .timeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> answer = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline && serve.isAlive()) {
                try {
                    answer = http.send(health, HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            assertThat(serve.isAlive()).as("serve from the jar exited:%n%s", Files.readString(log)).isTrue();
            assertThat(answer).as("no answer from /observe/health:%n%s", Files.readString(log)).isNotNull();
            assertThat(answer.statusCode()).as(answer.body() + "\n" + Files.readString(log)).isEqualTo(200);
            assertThat(answer.body()).contains("\"UP\"");
            serve.destroy();
            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
        } finally {
            serve.destroyForcibly();
        }
    }
}
