package io.stellarelease.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/stella-release, run for real by sh, with JAVA pointing at a script that writes down its arguments: which
 * JVM settings each command gets, that the class-data archive is used only when it belongs to the jar, and
 * that the command's own arguments reach the jar untouched.
 */
class LauncherTest {
    @TempDir
    Path home;
    private Path jar;
    private Path jsa;
    private Path argsFile;

    @BeforeEach
    void layout() throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Path launcher = Files.copy(Path.of("bin/stella-release"), home.resolve("bin/stella-release"));
        launcher.toFile().setExecutable(true);
        jar = Files.writeString(Files.createDirectories(home.resolve("target")).resolve("stella-release.jar"), "jar");
        jsa = home.resolve("target/stella-release.jsa");
        argsFile = home.resolve("args.txt");
        Path fakeJava = Files.writeString(home.resolve("java"),
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$ARGS_FILE\"\n");
        fakeJava.toFile().setExecutable(true);
    }

    private List<String> launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("sh", home.resolve("bin/stella-release").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA", home.resolve("java").toString());
        builder.environment().put("ARGS_FILE", argsFile.toString());
        builder.environment().remove("JAVA_OPTS");
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return Files.readAllLines(argsFile);
    }

    @Test
    void aOneShotCommandGetsTheQuickCompilerAndTheArchiveThatBelongsToTheJar() throws Exception {
        Files.writeString(jsa, "archive");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        List<String> args = launch(Map.of(), "release", "suite-2026.04-nova", "--dry-run", "a value with spaces");
        assertThat(args).containsSubsequence("-XX:SharedArchiveFile=" + jsa, "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-jar", jar.toString(), "release", "suite-2026.04-nova", "--dry-run",
                "a value with spaces");
        assertThat(args.subList(args.indexOf("-jar"), args.size()))
                .containsExactly("-jar", jar.toString(), "release", "suite-2026.04-nova", "--dry-run", "a value with spaces");
    }

    @Test
    void serveKeepsBothCompilersAndGetsASmallHeapWhereverTheCommandStands() throws Exception {
        List<String> args = launch(Map.of(), "--log-format", "json", "serve", "--port", "8080");
        assertThat(args).doesNotContain("-XX:TieredStopAtLevel=1");
        assertThat(args).containsSubsequence("-XX:+UseSerialGC", "-Xmn16m", "-jar");
        assertThat(args).endsWith("-jar", jar.toString(), "--log-format", "json", "serve", "--port", "8080");
    }

    @Test
    void serveAndWorkerUseTheServeArchiveAndFallBackToTheReleaseOneWhenItIsStaleOrMissing() throws Exception {
        Path serveJsa = home.resolve("target/stella-release-serve.jsa");
        Files.writeString(jsa, "release archive");
        Files.writeString(serveJsa, "serve archive");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        assertThat(launch(Map.of(), "serve")).contains("-XX:SharedArchiveFile=" + serveJsa)
                .containsSubsequence("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0", "-jar");
        assertThat(launch(Map.of(), "worker")).contains("-XX:SharedArchiveFile=" + serveJsa);
        assertThat(launch(Map.of(), "release", "suite-2026.04-nova")).contains("-XX:SharedArchiveFile=" + jsa);
        Files.setLastModifiedTime(serveJsa, FileTime.from(Instant.now().minusSeconds(120)));
        assertThat(launch(Map.of(), "serve")).contains("-XX:SharedArchiveFile=" + jsa)
                .doesNotContain("-XX:SharedArchiveFile=" + serveJsa);
        Files.delete(serveJsa);
        assertThat(launch(Map.of(), "serve")).contains("-XX:SharedArchiveFile=" + jsa);
    }

    @Test
    void oneShotCommandsAskForTransparentHugePagesWhereTheKernelGivesThemOnRequestAndServeDoesNot() throws Exception {
        // The launcher reads the kernel's mode; this machine's decides which branch runs here.
        Path mode = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        boolean onRequest = Files.isReadable(mode) && Files.readString(mode).contains("[madvise]");
        List<String> release = launch(Map.of(), "release", "suite-2026.04-nova");
        if (onRequest) {
            assertThat(release).containsSubsequence("-XX:TieredStopAtLevel=1", "-XX:+UseTransparentHugePages", "-jar");
        } else {
            assertThat(release).doesNotContain("-XX:+UseTransparentHugePages");
        }
        assertThat(launch(Map.of(), "serve")).doesNotContain("-XX:+UseTransparentHugePages");
        assertThat(launch(Map.of(), "worker")).doesNotContain("-XX:+UseTransparentHugePages");
        // JAVA_OPTS comes later and wins.
        assertThat(launch(Map.of("JAVA_OPTS", "-XX:-UseTransparentHugePages"), "verify", "out/2026.04"))
                .endsWith("-XX:-UseTransparentHugePages", "-jar", jar.toString(), "verify", "out/2026.04");
    }

    @Test
    void anArchiveOlderThanTheJarIsNotUsed() throws Exception {
        Files.writeString(jsa, "archive of an earlier build");
        Files.setLastModifiedTime(jsa, FileTime.from(Instant.now().minusSeconds(60)));
        assertThat(launch(Map.of(), "verify", "out/2026.04")).noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"));
        Files.delete(jsa);
        assertThat(launch(Map.of(), "verify", "out/2026.04")).noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"));
    }

    @Test
    void javaOptsComeAfterTheLaunchersSettingsAndBeforeTheJar() throws Exception {
        List<String> args = launch(Map.of("JAVA_OPTS", "-XX:TieredStopAtLevel=4 -Xmx256m"), "release", "suite-2026.04-nova");
        assertThat(args).containsSubsequence("-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=4", "-Xmx256m", "-jar");
    }

    @Test
    void aCollectorChosenInJavaOptsReplacesTheLaunchersOne() throws Exception {
        List<String> serve = launch(Map.of("JAVA_OPTS", "-XX:+UseG1GC -Xmx1g"), "serve");
        assertThat(serve).doesNotContain("-XX:+UseSerialGC", "-Xmn16m").containsSubsequence("-XX:+UseG1GC", "-Xmx1g", "-jar");
        List<String> release = launch(Map.of("JAVA_OPTS", "-XX:+UseParallelGC"), "release", "suite-2026.04-nova");
        assertThat(release).doesNotContain("-XX:+UseSerialGC").containsSubsequence("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC", "-jar");
    }

    @Test
    void aMissingJarSaysHowToBuildIt() throws Exception {
        Files.delete(jar);
        Process process = new ProcessBuilder("sh", home.resolve("bin/stella-release").toString(), "release")
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains(jar.toString()).contains("mvn -B -q package -DskipTests");
    }
}
