package io.stellarelease.hotfix;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * git, run as an argument list (never through a shell) in one repository. Values such as a branch or tag name are
 * arguments of their own; the caller has checked them against the release rules first.
 */
final class Git {
    private static final long TIMEOUT_SECONDS = 300;

    record Result(int exitCode, String out, String err) {
        boolean ok() {
            return exitCode == 0;
        }

        /** The last line git wrote on stderr (its reason), or on stdout when stderr is empty. */
        String reason() {
            String text = err.isBlank() ? out : err;
            List<String> lines = text.strip().lines().toList();
            return lines.isEmpty() ? "exit code " + exitCode : lines.get(lines.size() - 1);
        }
    }

    private final Path dir;

    Git(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Result run(String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        // No prompt for credentials or an editor, and messages in English so they read the same everywhere.
        builder.environment().put("GIT_TERMINAL_PROMPT", "0");
        builder.environment().put("GIT_EDITOR", "true");
        builder.environment().put("LC_ALL", "C");
        try {
            Process p = builder.start();
            p.getOutputStream().close();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new HotfixException("git " + args[0] + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new HotfixException("git could not be run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HotfixException("interrupted while git " + args[0] + " ran");
        }
    }

    /** stdout of a git command that must succeed, stripped; a failure names the command and git's reason. */
    String require(String... args) {
        Result r = run(args);
        if (!r.ok()) {
            throw new HotfixException("git " + String.join(" ", args) + " failed: " + r.reason());
        }
        return r.out().strip();
    }

    /** The commit a ref names, if it exists. */
    java.util.Optional<String> commit(String ref) {
        Result r = run("rev-parse", "-q", "--verify", ref + "^{commit}");
        return r.ok() ? java.util.Optional.of(r.out().strip()) : java.util.Optional.empty();
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
