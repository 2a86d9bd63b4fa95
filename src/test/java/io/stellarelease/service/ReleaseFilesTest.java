package io.stellarelease.service;

import io.stellarelease.intake.HttpAnswerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The release files the run API lists and serves, while a release is still writing them. */
class ReleaseFilesTest {
    @TempDir
    Path release;

    private void write(String relative, String content) throws IOException {
        Path file = release.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @Test
    void listsPublishedFilesSortedWithSizesAndLeavesOutLogsScratchAndState() throws IOException {
        write("suite-2026.04.yaml", "manifest");
        write("SHA256SUMS-2026.04.txt", "sums");
        write("nuget/StellaOps.Authority.2026.4.0.nupkg", "12345");
        write("cli/stella-2026.04-linux-x64.tar.gz", "tgz");
        write("state.json", "{}");
        write("logs/build-modules/Authority.log", "log");
        write("logs/build-modules/Authority.log.pid", "123 2026");
        write("work/jib-cache/layer", "cache");

        List<ReleaseFiles.Entry> files = ReleaseFiles.list("run-1", release);

        assertThat(files).extracting(ReleaseFiles.Entry::path).containsExactly("SHA256SUMS-2026.04.txt",
                "cli/stella-2026.04-linux-x64.tar.gz", "nuget/StellaOps.Authority.2026.4.0.nupkg", "suite-2026.04.yaml");
        assertThat(files.get(2).size()).isEqualTo(5);
        assertThat(files.get(2).url()).isEqualTo("/api/v1/runs/run-1/files/nuget/StellaOps.Authority.2026.4.0.nupkg");
        assertThat(ReleaseFiles.list("run-1", release.resolve("missing"))).isEmpty();
    }

    @Test
    void filesComingAndGoingDuringTheListingNeverFailIt() throws Exception {
        write("suite-2026.04.yaml", "manifest");
        AtomicBoolean running = new AtomicBoolean(true);
        // A release at work: files appear and vanish (a step's pid file, an atomic write's temporary file).
        Thread writer = new Thread(() -> {
            int i = 0;
            while (running.get()) {
                try {
                    Path file = release.resolve("nuget/.pkg-" + (i++ % 50) + ".tmp");
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, "x");
                    Files.deleteIfExists(file);
                    Path dir = release.resolve("images/tmp-" + (i % 7));
                    Files.createDirectories(dir);
                    Files.writeString(dir.resolve("blob"), "y");
                    Files.deleteIfExists(dir.resolve("blob"));
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // the listing may hold the directory open: try again
                }
            }
        });
        writer.start();
        try {
            for (int i = 0; i < 300; i++) {
                assertThat(ReleaseFiles.list("run-1", release)).extracting(ReleaseFiles.Entry::path)
                        .contains("suite-2026.04.yaml");
            }
        } finally {
            running.set(false);
            writer.join();
        }
    }

    @Test
    void servesOnlyPublishedFilesInsideTheReleaseDirectory() throws IOException {
        write("summary.md", "# Release");
        write("state.json", "{}");
        assertThat(ReleaseFiles.resolve(release, "summary.md")).hasFileName("summary.md");
        assertThatThrownBy(() -> ReleaseFiles.resolve(release, "state.json"))
                .isInstanceOfSatisfying(HttpAnswerException.class, e -> assertThat(e.getMessage()).contains("not a published file"));
        assertThatThrownBy(() -> ReleaseFiles.resolve(release, "../secrets.txt"))
                .isInstanceOf(HttpAnswerException.class).hasMessageContaining("not a release file path");
        assertThatThrownBy(() -> ReleaseFiles.resolve(release, "nothing-here.txt"))
                .isInstanceOf(HttpAnswerException.class).hasMessageContaining("no file");
    }
}
