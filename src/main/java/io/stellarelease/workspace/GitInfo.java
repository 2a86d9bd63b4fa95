package io.stellarelease.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The commit a workspace is at, asked of git itself; nothing when the workspace is not in a git repository. */
public class GitInfo {

    public record Commit(String sha, Instant time) { }

    public Optional<Commit> describe(Path workspace) {
        try {
            Process git = new ProcessBuilder("git", "-C", workspace.toString(), "log", "-1", "--format=%H %ct", "HEAD")
                    .redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!git.waitFor(30, TimeUnit.SECONDS) || git.exitValue() != 0 || out.isEmpty()) {
                git.destroyForcibly();
                return Optional.empty();
            }
            String[] parts = out.split(" ");
            return Optional.of(new Commit(parts[0], Instant.ofEpochSecond(Long.parseLong(parts[1]))));
        } catch (IOException e) {
            return Optional.empty(); // no git on PATH: a workspace without a commit
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
