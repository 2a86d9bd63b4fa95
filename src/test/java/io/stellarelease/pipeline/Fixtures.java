package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Real inputs for pipeline tests: a git repository made from the example workspace, and configurations. */
final class Fixtures {
    static final Path REPO_ROOT = Path.of("").toAbsolutePath();
    static final Path EXAMPLE = REPO_ROOT.resolve("examples/stellaops");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Fixtures() {
    }

    /** A copy of the example workspace as a git repository with one commit, tagged with {@code tags}. */
    static Path exampleRepository(Path dir, String... tags) {
        copyTree(EXAMPLE, dir);
        run(dir, "git", "init", "-q", "-b", "main");
        run(dir, "git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "add", "-A");
        run(dir, "git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-q", "-m", "example");
        for (String tag : tags) {
            run(dir, "git", "tag", tag);
        }
        return dir;
    }

    /** The repository's release configuration, changed by {@code edit}, written to {@code file}. */
    static Path config(Path file, Consumer<ObjectNode> edit) {
        try {
            ObjectNode config = (ObjectNode) YAML.readTree(REPO_ROOT.resolve("config/release.yaml").toFile());
            noPublishing(config);
            // The air-gap stage (a bundle and a scratch registry per release) is off unless a test turns it on:
            // AirgapBundleTest, AirgapTestRegistryTest and SuiteReleaseTest do.
            ((ObjectNode) config.get("airgap")).put("enabled", false);
            edit.accept(config);
            Files.createDirectories(file.getParent());
            YAML.writeValue(file.toFile(), config);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Turns every publishing target off: tests run offline, and those that publish point the targets at the Gitea
     * stand-in and a local registry themselves.
     */
    static void noPublishing(ObjectNode config) {
        ObjectNode publish = (ObjectNode) config.get("publish");
        ((ObjectNode) publish.get("release")).put("enabled", false);
        publish.putNull("nuget");
        publish.putNull("registry");
        ((ObjectNode) publish.get("helm")).put("gitea", false).putNull("oci");
    }

    /** Puts {@code env NAME=VALUE ...} in front of a configured command: how a test hook reaches a build. */
    static void prefixEnv(ObjectNode section, String... assignments) {
        ArrayNode command = (ArrayNode) section.get("command");
        ArrayNode prefixed = section.arrayNode().add("env");
        for (String a : assignments) {
            prefixed.add(a);
        }
        prefixed.addAll(command);
        section.set("command", prefixed);
    }

    static String run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed in " + dir + ":\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is needed by this test and could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
