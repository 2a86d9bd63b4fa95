package io.stellarelease.artifacts;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArchiveWriterTest {

    private static final Instant MTIME = Instant.parse("2026-04-01T12:34:56Z");
    private static final List<String> NAMES = List.of("README.md", "bin/", "bin/stella", "empty/", "lib/", "lib/a.dll");

    @TempDir
    Path tmp;
    Path source;
    final ArchiveWriter writer = new ArchiveWriter();

    @BeforeEach
    void createSource() throws IOException {
        source = tmp.resolve("stella-2026.04-linux-x64");
        Files.createDirectories(source.resolve("bin"));
        Files.createDirectories(source.resolve("lib"));
        Files.createDirectories(source.resolve("empty"));
        Files.writeString(source.resolve("bin/stella"), "#!/bin/sh\necho stella\n");
        Files.setPosixFilePermissions(source.resolve("bin/stella"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(source.resolve("lib/a.dll"), "MZ not really");
        Files.writeString(source.resolve("README.md"), "# Stella\n");
        // A private file is published readable: only the executable bit is kept.
        Files.setPosixFilePermissions(source.resolve("README.md"), PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void tarGzHoldsSortedRelativeEntriesWithNormalisedModesOwnerAndTime() throws IOException {
        Path target = tmp.resolve("out/stella.tar.gz");
        writer.tarGz(source, target, MTIME);

        Map<String, TarArchiveEntry> entries = readTar(target);
        assertThat(entries.keySet()).containsExactlyElementsOf(NAMES);
        assertThat(entries.get("bin/stella").getMode() & 07777).isEqualTo(0755);
        assertThat(entries.get("README.md").getMode() & 07777).isEqualTo(0644);
        assertThat(entries.get("lib/").getMode() & 07777).isEqualTo(0755);
        assertThat(entries.get("lib/").isDirectory()).isTrue();
        assertThat(entries.get("lib/a.dll").getSize()).isEqualTo(13);
        assertThat(entries.values()).allSatisfy(e -> {
            assertThat(e.getLongUserId()).isZero();
            assertThat(e.getLongGroupId()).isZero();
            assertThat(e.getUserName()).isEmpty();
            assertThat(e.getGroupName()).isEmpty();
            assertThat(e.getModTime().toInstant()).isEqualTo(MTIME);
        });
    }

    @Test
    void tarGzReadsBackWithGnuTar() throws Exception {
        assertTrue(onPath("tar"), "tar is needed by this test and is not on PATH (test.sh installs it)");
        Path target = tmp.resolve("stella.tar.gz");
        writer.tarGz(source, target, MTIME);

        List<String> lines = run("tar", "--utc", "-tvzf", target.toString());
        assertThat(lines).hasSize(NAMES.size());
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("-rwxr-xr-x 0/0").endsWith(" bin/stella"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("-rw-r--r-- 0/0").endsWith(" README.md"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("drwxr-xr-x 0/0").endsWith(" empty/"));
        assertThat(lines).allSatisfy(l -> assertThat(l).contains("2026-04-01 12:34"));
    }

    @Test
    void zipHoldsSortedRelativeEntriesWithUnixModes() throws IOException {
        Path target = tmp.resolve("stella.zip");
        writer.zip(source, target, MTIME);

        Map<String, ZipArchiveEntry> entries = new LinkedHashMap<>();
        try (ZipFile zip = ZipFile.builder().setPath(target).get()) {
            for (ZipArchiveEntry e : Collections.list(zip.getEntriesInPhysicalOrder())) {
                entries.put(e.getName(), e);
            }
            assertThat(new String(zip.getInputStream(entries.get("bin/stella")).readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("#!/bin/sh\necho stella\n");
        }
        assertThat(entries.keySet()).containsExactlyElementsOf(NAMES);
        assertThat(entries.get("bin/stella").getUnixMode()).isEqualTo(0100755);
        assertThat(entries.get("README.md").getUnixMode()).isEqualTo(0100644);
        assertThat(entries.get("bin/").getUnixMode()).isEqualTo(040755);
        assertThat(entries.get("bin/").isDirectory()).isTrue();
    }

    @Test
    void zipReadsBackWithZipinfoWithUtcWallClockTime() throws Exception {
        assertTrue(onPath("unzip"), "unzip is needed by this test and is not on PATH (test.sh installs it)");
        Path target = tmp.resolve("stella.zip");
        writer.zip(source, target, MTIME);

        List<String> lines = run("unzip", "-Z", "-T", target.toString());
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("-rwxr-xr-x").endsWith(" bin/stella"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("-rw-r--r--").endsWith(" lib/a.dll"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("drwxr-xr-x").endsWith(" empty/"));
        // MS-DOS time has a two-second resolution: 12:34:56 stays 12:34:56, whatever the machine's zone.
        assertThat(lines.stream().filter(l -> l.startsWith("-")))
                .allSatisfy(l -> assertThat(l).contains("20260401.123456"));
    }

    @Test
    void archivesAreByteForByteReproducible() throws IOException {
        Path tar1 = tmp.resolve("a/stella.tar.gz");
        Path zip1 = tmp.resolve("a/stella.zip");
        writer.tarGz(source, tar1, MTIME);
        writer.zip(source, zip1, MTIME);

        // What differs between two checkouts must not show: file times and group/other permission bits.
        Files.setLastModifiedTime(source.resolve("lib/a.dll"), FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
        Files.setPosixFilePermissions(source.resolve("README.md"), PosixFilePermissions.fromString("rw-rw-rw-"));
        Path tar2 = tmp.resolve("b/stella.tar.gz");
        Path zip2 = tmp.resolve("b/stella.zip");
        writer.tarGz(source, tar2, MTIME);
        writer.zip(source, zip2, MTIME);

        assertThat(Files.readAllBytes(tar2)).isEqualTo(Files.readAllBytes(tar1));
        assertThat(Files.readAllBytes(zip2)).isEqualTo(Files.readAllBytes(zip1));
    }

    @Test
    void zipDoesNotDependOnTheTimeZone() throws IOException {
        TimeZone saved = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("America/Los_Angeles"));
            writer.zip(source, tmp.resolve("la.zip"), MTIME);
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
            writer.zip(source, tmp.resolve("in.zip"), MTIME);
        } finally {
            TimeZone.setDefault(saved);
        }
        assertThat(Files.readAllBytes(tmp.resolve("la.zip"))).isEqualTo(Files.readAllBytes(tmp.resolve("in.zip")));
    }

    @Test
    void differentMtimeGivesDifferentBytes() throws IOException {
        writer.tarGz(source, tmp.resolve("a.tar.gz"), MTIME);
        writer.tarGz(source, tmp.resolve("b.tar.gz"), MTIME.plusSeconds(60));
        assertThat(Files.readAllBytes(tmp.resolve("a.tar.gz"))).isNotEqualTo(Files.readAllBytes(tmp.resolve("b.tar.gz")));
    }

    @Test
    void emptyDirectoryIsRejected() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("publish/only-dirs/inside"));
        assertThatThrownBy(() -> writer.tarGz(empty, tmp.resolve("x.tar.gz"), MTIME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(empty + ": nothing to archive, the directory holds no files");
        assertThatThrownBy(() -> writer.zip(tmp.resolve("publish"), tmp.resolve("x.zip"), MTIME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nothing to archive");
        assertThat(tmp.resolve("x.tar.gz")).doesNotExist();
    }

    @Test
    void missingDirectoryIsRejected() {
        Path missing = tmp.resolve("nope");
        assertThatThrownBy(() -> writer.zip(missing, tmp.resolve("x.zip"), MTIME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(missing + ": not a directory");
    }

    @Test
    void replacesAnExistingTargetAndLeavesNoTemporaryFile() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path target = out.resolve("stella.tar.gz");
        Files.writeString(target, "stale");
        writer.tarGz(source, target, MTIME);

        assertThat(readTar(target)).containsKey("bin/stella");
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(PosixFilePermissions.fromString("rw-r--r--"));
        try (var files = Files.list(out)) {
            assertThat(files).containsExactly(target);
        }
    }

    private static Map<String, TarArchiveEntry> readTar(Path tarGz) throws IOException {
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tarGz);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                entries.put(e.getName(), e);
            }
        }
        return entries;
    }

    static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static List<String> run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return new ArrayList<>(out.lines().toList());
    }
}
