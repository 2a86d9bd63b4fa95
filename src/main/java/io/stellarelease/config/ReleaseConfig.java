package io.stellarelease.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The release configuration ({@code config/release.yaml}). Records mirror the file one to one;
 * defaults live in {@link ConfigLoader} so that a missing key and a key set to its default mean the same.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ReleaseConfig(
        String workspace,
        String output,
        int parallelism,
        Rules rules,
        Map<String, String> codenames,
        Map<String, Channel> channels,
        TestGate testGate,
        Modules modules,
        Containers containers,
        Cli cli,
        Helm helm,
        Gitea gitea,
        Checkout checkout) {

    public record Rules(List<String> suiteMonths, String changelog, String checklist,
                        List<String> checklistRequiredFor) { }

    public record Channel(boolean prerelease, List<String> months, Period standardSupport, Period securitySupport) {
        public Channel {
            months = months == null ? List.of() : List.copyOf(months);
        }
    }

    public record TestGate(Duration timeout, List<TestSuite> suites) { }

    public record TestSuite(String name, List<String> command, Duration timeout) { }

    public record Modules(List<String> command, Duration timeout, String packages, String publishDir,
                          List<Module> items) { }

    public record Module(String name, String path, boolean image, List<String> command, Duration timeout) {
        public String lowerName() {
            return name.toLowerCase(Locale.ROOT);
        }
    }

    public record Containers(String repository, String baseImage, String appRoot, List<String> entrypoint,
                             List<String> tags) { }

    public record Cli(List<String> command, Duration timeout, List<String> runtimes, String archive,
                      List<String> zipRuntimes) { }

    public record Helm(String chart, @JsonProperty("package") String packageName, List<String> lint) { }

    public record Checkout(String mirror, List<String> command, String protocols, Duration timeout, String workspace) { }

    public record Gitea(String url, String owner, String repo, String title, boolean draft) { }

    /** The codename registered for a suite version ({@code 2026.04}), if any. */
    public Optional<String> codenameFor(String suiteVersion) {
        return Optional.ofNullable(codenames.get(suiteVersion));
    }

    public Optional<Module> module(String name) {
        return modules.items().stream().filter(m -> m.name().equalsIgnoreCase(name)).findFirst();
    }

    public int effectiveParallelism() {
        return parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
    }
}
