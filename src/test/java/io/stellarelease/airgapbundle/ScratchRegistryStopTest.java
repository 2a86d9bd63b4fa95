package io.stellarelease.airgapbundle;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The air-gap test's scratch registry (Debian's real docker-registry) does not outlive a JVM stopped with SIGTERM
 * before the stage could close it: no process of ours outlives us.
 */
class ScratchRegistryStopTest {
    @TempDir
    Path tmp;

    /** Starts a scratch registry, prints its pid, and waits to be stopped. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            ScratchRegistry registry = ScratchRegistry.start(List.of("docker-registry", "serve", "${CONFIG}"),
                    Path.of(args[0]), List.of("_TOKEN"));
            long pid = Files.readString(Path.of(args[0] + ".pid")).split(" ")[0].isEmpty() ? -1
                    : Long.parseLong(Files.readString(Path.of(args[0] + ".pid")).split(" ")[0]);
            System.out.println("UP " + pid + " " + registry.baseUrl());
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }

    @Test
    void aSigtermedJvmTakesItsScratchRegistryWithIt() throws Exception {
        Path log = tmp.resolve("registry.log");
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName(), log.toString())
                .redirectErrorStream(true).start();
        long pid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            String up = null;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.startsWith("UP ")) {
                    up = line;
                    break;
                }
            }
            assertThat(up).as("the holder's output:\n" + seen).isNotNull();
            pid = Long.parseLong(up.split(" ")[1]);
            Optional<ProcessHandle> registry = ProcessHandle.of(pid);
            assertThat(registry).as("the registry runs").isPresent();
            assertThat(registry.get().info().command().orElse("")).contains("docker-registry");

            jvm.destroy(); // SIGTERM, as a stop of serve or release sends
            assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            jvm.destroyForcibly();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        assertThat(alive).as("docker-registry " + pid + " outlived the JVM that started it").isFalse();
    }
}
