package io.stellarelease.releasemanifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.state.Artifact;
import io.stellarelease.state.Produces;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Writes the release manifest {@code suite-{version}.yaml} from what the stages recorded (schema in the README). */
public class ReleaseManifest {
    public static final String SCHEMA = "stella-release/v1";
    // The publishing stages whose answers the manifest records (named here: stages must not depend on publishing).
    // The SBOMs (io.stellarelease.sboms.SbomWriter): one step per module, and "suite".
    private static final String SBOM_SUITE_STEP = "suite";

    private final ReleaseConfig config;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    public ReleaseManifest(ReleaseConfig config) {
        this.config = config;
    }

    public static String fileName(String version) {
        return "suite-" + version + ".yaml";
    }

    /** {@code suite-2026.04.yaml}, or {@code module-authority-1.4.0.yaml} for a module release. */
    public static String fileName(ReleaseRun run) {
        return run.isModuleRelease() ? "module-" + run.releaseName() + ".yaml" : fileName(run.requireSuite().version());
    }

    public Path write(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        Path file = run.releaseDir().resolve(fileName(run));
        try {
            Files2.writeAtomically(file, yaml.writeValueAsBytes(content(run, Instant.now())));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
        return file;
    }

    Map<String, Object> content(ReleaseRun run, Instant releasedAt) {
        if (run.isModuleRelease()) {
            return moduleContent(run, releasedAt);
        }
        SuiteVersion suite = run.requireSuite();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("version", suite.version());
        s.put("codename", suite.codename());
        s.put("channel", suite.channel());
        s.put("tag", suite.tag());
        if (suite.isHotfix()) {
            s.put("hotfixOf", suite.baseVersion());
            s.put("fixes", run.getFixes()); // the tag of the release this hotfix fixes
        }
        s.put("commit", run.getCommit());
        s.put("releasedAt", releasedAt.truncatedTo(ChronoUnit.SECONDS).toString());
        s.put("dryRun", run.getRequest().dryRun());
        s.put("support", support(suite.channel(), releasedAt.atZone(ZoneOffset.UTC).toLocalDate()));
        m.put("suite", s);
        m.put("modules", modules(run));
        m.put("cli", inOrder(run.produced(Produces.CLI), config.cli().runtimes()).stream().map(step -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("runtime", step.name());
            putArtifact(c, step.artifacts());
            return c;
        }).toList());
        m.put("helm", run.produced(Produces.CHART).stream().findFirst().map(step -> {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("chart", step.name());
            h.put("version", step.details().get("version"));
            h.put("appVersion", step.details().get("appVersion"));
            putArtifact(h, step.artifacts());
            stepOf(run, Produces.PUBLISHED_CHART, "oci").ifPresent(oci -> {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("repository", oci.details().get("repository"));
                o.put("registry", oci.details().get("registry"));
                o.put("digest", oci.details().get("digest"));
                h.put("oci", o);
            });
            return h;
        }).orElse(null));
        m.put("tests", tests(run));
        sboms(run).ifPresent(sbom -> m.put("sbom", sbom));
        m.put("artifacts", artifacts(run));
        return m;
    }

    /** {@code sbom:} the format, the suite's SBOM and each module's, as files with sha256 and size; absent without the stage. */
    private static Optional<Map<String, Object>> sboms(ReleaseRun run) {
        List<StepResult> steps = run.produced(Produces.SBOMS);
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> sbom = new LinkedHashMap<>();
        sbom.put("format", steps.get(0).details().get("format"));
        steps.stream().filter(s -> s.name().equals(SBOM_SUITE_STEP)).findFirst().ifPresent(suite -> {
            Map<String, Object> file = new LinkedHashMap<>();
            putArtifact(file, suite.artifacts());
            sbom.put("suite", file);
        });
        sbom.put("modules", steps.stream().filter(s -> !s.name().equals(SBOM_SUITE_STEP)).map(s -> {
            Map<String, Object> module = new LinkedHashMap<>();
            module.put("name", s.name());
            putArtifact(module, s.artifacts());
            return module;
        }).toList());
        return Optional.of(sbom);
    }

    /** A module release: the module, its one build (package, image) and its tests; no suite, CLI or chart. */
    private Map<String, Object> moduleContent(ReleaseRun run, Instant releasedAt) {
        var module = run.requireModule();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", SCHEMA);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", module.module());
        r.put("version", module.version());
        r.put("tag", module.tag());
        r.put("prerelease", module.isPrerelease());
        r.put("commit", run.getCommit());
        r.put("releasedAt", releasedAt.truncatedTo(ChronoUnit.SECONDS).toString());
        r.put("dryRun", run.getRequest().dryRun());
        m.put("module", r);
        m.put("modules", modules(run));
        m.put("tests", tests(run));
        sboms(run).ifPresent(sbom -> m.put("sbom", sbom));
        m.put("artifacts", artifacts(run));
        return m;
    }

    private Map<String, Object> support(String channel, LocalDate releaseDate) {
        ReleaseConfig.Channel rules = config.channels().get(channel);
        Map<String, Object> support = new LinkedHashMap<>();
        support.put("prerelease", rules.prerelease());
        if (rules.standardSupport() != null) {
            support.put("standardUntil", releaseDate.plus(rules.standardSupport()).toString());
        }
        if (rules.securitySupport() != null) {
            support.put("securityUntil", releaseDate.plus(rules.securitySupport()).toString());
        }
        return support;
    }

    private List<Map<String, Object>> modules(ReleaseRun run) {
        List<Map<String, Object>> modules = new ArrayList<>();
        List<String> order = config.modules().items().stream().map(ReleaseConfig.Module::name).toList();
        // By name, once (the first of a name, as a search would find): a look-up per module, not a scan.
        Map<String, StepResult> images = byName(run.produced(Produces.IMAGES));
        Map<String, StepResult> pushedImages = byName(run.produced(Produces.PUSHED_IMAGES));
        for (StepResult build : inOrder(run.produced(Produces.MODULES), order)) {
            Map<String, Object> mod = new LinkedHashMap<>();
            mod.put("name", build.name());
            mod.put("version", build.details().get("version"));
            if (build.details().containsKey("packageId")) { // absent when modules.packages is null
                Map<String, Object> nuget = new LinkedHashMap<>();
                nuget.put("id", build.details().get("packageId"));
                putArtifact(nuget, build.artifacts());
                mod.put("nuget", nuget);
            }
            Optional.ofNullable(images.get(build.name())).ifPresent(image -> {
                // Pushed: where to, and the digest the registry answered. Otherwise the repository it was built for.
                Optional<StepResult> pushed = Optional.ofNullable(pushedImages.get(build.name()));
                StepResult source = pushed.orElse(image);
                Map<String, Object> i = new LinkedHashMap<>();
                i.put("repository", source.details().get("repository"));
                pushed.ifPresent(p -> i.put("registry", p.details().get("registry")));
                i.put("tags", Arrays.asList(source.details().get("tags").split(",")));
                i.put("digest", source.details().get("digest"));
                putArtifact(i, image.artifacts());
                mod.put("image", i);
            });
            modules.add(mod);
        }
        return modules;
    }

    /** Steps in the configured order of their names, so the manifest reads like the configuration. */
    private static List<StepResult> inOrder(List<StepResult> steps, List<String> names) {
        Map<String, Integer> position = new java.util.HashMap<>();
        for (int i = names.size() - 1; i >= 0; i--) {
            position.put(names.get(i), i); // from the end: a name listed twice keeps its first position
        }
        return steps.stream().sorted(java.util.Comparator.comparingInt(s -> position.getOrDefault(s.name(), Integer.MAX_VALUE)))
                .toList();
    }

    private static Map<String, StepResult> byName(List<StepResult> steps) {
        Map<String, StepResult> byName = new java.util.HashMap<>();
        steps.forEach(s -> byName.putIfAbsent(s.name(), s));
        return byName;
    }

    private static Optional<StepResult> stepOf(ReleaseRun run, String kind, String name) {
        return run.produced(kind).stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Files YAML stages registered (the stella-artifact kamelet), by stage. */
    private static List<Map<String, Object>> artifacts(ReleaseRun run) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (StepResult step : run.produced(Produces.ARTIFACTS)) {
            for (var a : step.artifacts()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("path", a.path());
                entry.put("sha256", a.sha256());
                entry.put("size", a.size());
                entry.put("stage", step.stage());
                list.add(entry);
            }
        }
        return list;
    }

    private static Map<String, Object> tests(ReleaseRun run) {
        Map<String, Object> t = new LinkedHashMap<>();
        Optional<StageRecord> gate = run.producer(Produces.TEST_RESULTS);
        t.put("status", gate.map(g -> g.getStatus().label()).orElse("not-run"));
        t.put("suites", gate.map(g -> g.getSteps().stream().map(step -> {
            Map<String, Object> suite = new LinkedHashMap<>();
            suite.put("name", step.name());
            suite.put("status", step.status().label());
            suite.put("exitCode", step.exitCode());
            suite.put("durationMs", step.durationMs());
            return suite;
        }).toList()).orElse(List.of()));
        return t;
    }

    private static void putArtifact(Map<String, Object> target, List<Artifact> artifacts) {
        if (!artifacts.isEmpty()) {
            Artifact a = artifacts.get(0);
            target.put("file", a.path());
            target.put("sha256", a.sha256());
            target.put("size", a.size());
        }
    }
}
