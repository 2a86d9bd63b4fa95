package io.stellarelease.sboms;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.pipeline.StageWarmUp;
import io.stellarelease.state.Artifact;
import io.stellarelease.state.Produces;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;
import org.apache.camel.ExchangeProperty;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.json.BomJsonGenerator;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.metadata.ToolInformation;
import org.cyclonedx.parsers.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The sboms stage: a CycloneDX SBOM (JSON, spec 1.6) per module and one for the suite, in {@code sbom/}, written with
 * the CycloneDX reference library and checked against the CycloneDX schema before the stage says done. A module's
 * SBOM names the module (its NuGet package and hashes), the dependencies its nuspec declares, and its image with
 * every layer; the suite's names every module, image, CLI archive and the chart with their hashes. The files are
 * step artifacts, so SHA256SUMS lists them, and the manifest lists them under {@code sbom}. Timestamps are the
 * commit time and serial numbers derive from the tag: the same commit gives the same bytes.
 */
public class SbomWriter implements StageWarmUp {
    public static final String STAGE = "sboms";
    public static final String DIR = "sbom";
    public static final String SUITE_STEP = "suite";
    static final Version SPEC = Version.VERSION_16;
    static final String FORMAT = "CycloneDX " + SPEC.getVersionString() + " JSON";

    private final ReleaseConfig config;
    private final java.util.concurrent.Executor helpers;
    private volatile boolean warm;

    /** @param helpers where the threads that write SBOMs beside the stage's own come from: the parallel stages' pool */
    public SbomWriter(ReleaseConfig config, java.util.concurrent.Executor helpers) {
        this.config = config;
        this.helpers = helpers;
    }

    /** {@code sbom/authority-1.4.0.cdx.json}. */
    public static String moduleFile(String module, String version) {
        return DIR + "/" + module.toLowerCase(Locale.ROOT) + "-" + version + ".cdx.json";
    }

    /** {@code sbom/suite-2026.04.cdx.json}. */
    public static String suiteFile(String version) {
        return DIR + "/suite-" + version + ".cdx.json";
    }

    @Override
    public String stage() {
        return STAGE;
    }

    /**
     * The stage's first-use cost, paid while the builds run: the schema compiled, and one small SBOM rendered and
     * checked, which loads the library's model and serializers and the validator's keywords (~150 ms of a cold JVM,
     * a third of the stage at 9 modules). Nothing is written.
     */
    @Override
    public void warmUp() throws Exception {
        if (warm) {
            return;
        }
        Component subject = new Component();
        subject.setType(Component.Type.LIBRARY);
        subject.setBomRef("warm-up");
        subject.setName("warm-up");
        subject.setVersion("1.0.0");
        subject.setPurl(purl("nuget", null, "warm-up", "1.0.0", null));
        subject.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, "0".repeat(64))));
        subject.addProperty(new Property("stella-release:file", "warm-up"));
        Bom bom = bom(Instant.EPOCH, "warm-up", subject);
        bom.addComponent(subject);
        addDependencies(bom, List.of(new Dependency(subject.getBomRef())));
        List<String> invalid = schemaErrors(new Generator().json(bom).getBytes(StandardCharsets.UTF_8));
        if (!invalid.isEmpty()) {
            throw new IOException("the warm-up SBOM is not valid: " + invalid);
        }
        warm = true;
    }

    boolean isWarm() {
        return warm;
    }

    /** One step per built module, then the suite's (suite releases only); a step that cannot be written fails alone. */
    public List<StepResult> write(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) throws IOException {
        Files2.recreateDirectory(run.releaseDir().resolve(DIR));
        List<StepResult> steps = new ArrayList<>();
        // In configuration order; a map, not List.indexOf in the comparator (quadratic in the modules).
        Map<String, Integer> order = new java.util.HashMap<>();
        for (ReleaseConfig.Module m : config.modules().items()) {
            order.putIfAbsent(m.name(), order.size());
        }
        List<StepResult> builds = run.produced(Produces.MODULES).stream()
                .sorted(java.util.Comparator.comparingInt(s -> order.getOrDefault(s.name(), -1))).toList();
        // The built images by module, once (the first of a name, as a search would find), not a scan per module.
        Map<String, StepResult> images = new java.util.HashMap<>();
        run.produced(Produces.IMAGES).forEach(s -> images.putIfAbsent(s.name(), s));
        schema(); // compiled once, before the threads that share it
        Generator own = new Generator(); // this thread's, for its share of the modules and then the suite
        steps.addAll(inParallel(builds.size(), own, (generator, i) -> {
            StepResult build = builds.get(i);
            return step(run, generator, build.name(), moduleFile(build.name(), build.details().get("version")), () -> moduleBom(run, build, images));
        }));
        if (!run.isModuleRelease()) {
            steps.add(step(run, own, SUITE_STEP, suiteFile(run.version()), () -> suiteBom(run, builds, images)));
        }
        // The progress counter counts against every SBOM of the stage (sboms 3/10 ...), not against those recorded so far.
        run.stage(STAGE).ifPresent(stage -> stage.plan(steps.stream().map(StepResult::name).toList()));
        return steps;
    }

    /**
     * Steps 0..count-1, on up to {@code parallelism} threads (this one and helpers from the build pool), in index
     * order. Each thread renders with its own {@link Generator} ({@code own} for this one): the library's generator
     * adds mix-ins to its mapper on every SBOM, which is not safe to share between threads. This thread takes steps
     * like the helpers and waits only for steps a helper has begun, so a helper that never gets a thread holds nothing up.
     */
    private List<StepResult> inParallel(int count, Generator own,
                                        java.util.function.BiFunction<Generator, Integer, StepResult> step) {
        StepResult[] results = new StepResult[count];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(count);
        java.util.concurrent.atomic.AtomicReference<Throwable> broke = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.function.Consumer<Generator> work = generator -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                try {
                    results[i] = step.apply(generator, i); // a step's own failure is its result; this is for the rest
                } catch (Throwable e) {
                    broke.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }
        };
        for (int helper = 1; helper < Math.min(config.effectiveParallelism(), count); helper++) {
            try {
                helpers.execute(() -> work.accept(new Generator()));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                break; // a full pool: this thread writes them
            }
        }
        work.accept(own);
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the SBOMs were written", e);
        }
        if (broke.get() != null) {
            throw new IllegalStateException("an SBOM could not be written: " + broke.get(), broke.get());
        }
        return List.of(results);
    }

    @FunctionalInterface
    private interface BomSource {
        Bom make() throws IOException;
    }

    /**
     * CycloneDX JSON from one generator of the reference library per thread, reused for each SBOM that thread writes.
     * {@code new BomJsonGenerator(bom, version)} builds two ObjectMappers and registers the library's serializers on
     * every SBOM (1 in 7 of the stage's samples at 900 modules), and a new mapper introspects the model's classes and
     * builds its serializers again on first use. {@link Reused#render} sets {@code bomFormat} and {@code specVersion},
     * which have no setters, by reflection as the library's constructor does, then renders with the same mapper and
     * pretty printer: the bytes are what a new generator writes.
     * Not safe to share between threads (the library adds mix-ins to its mapper on every SBOM).
     */
    static final class Generator {
        private Reused generator;

        String json(Bom bom) throws GeneratorException {
            if (generator == null) {
                generator = new Reused(bom);
            }
            return generator.render(bom);
        }

        /** The library's generator, given each SBOM through its protected {@code bom}. */
        private static final class Reused extends BomJsonGenerator {
            private static final java.lang.reflect.Field BOM_FORMAT = bomField("bomFormat");
            private static final java.lang.reflect.Field SPEC_VERSION = bomField("specVersion");

            Reused(Bom first) {
                super(first, SPEC);
            }

            String render(Bom next) throws GeneratorException {
                try {
                    BOM_FORMAT.set(next, "CycloneDX");
                    SPEC_VERSION.set(next, SPEC.getVersionString());
                } catch (IllegalAccessException e) {
                    throw new GeneratorException(e);
                }
                this.bom = next;
                return toJsonString();
            }

            private static java.lang.reflect.Field bomField(String name) {
                try {
                    java.lang.reflect.Field field = Bom.class.getDeclaredField(name);
                    field.setAccessible(true);
                    return field;
                } catch (NoSuchFieldException e) {
                    throw new IllegalStateException("cyclonedx-core-java's Bom has no field " + name + " any more", e);
                }
            }
        }
    }

    private StepResult step(ReleaseRun run, Generator generator, String name, String file, BomSource source) {
        Instant started = Instant.now();
        try {
            Bom bom = source.make();
            byte[] json = generator.json(bom).getBytes(StandardCharsets.UTF_8);
            List<String> invalid = schemaErrors(json);
            if (!invalid.isEmpty()) {
                throw new IOException("not valid against the CycloneDX " + SPEC.getVersionString() + " schema: "
                        + String.join("; ", invalid));
            }
            Path target = run.releaseDir().resolve(file);
            // A plain write, not write-and-rename: the stage made sbom/ afresh, and until it ends no one counts these files
            // (a crash meanwhile leaves the stage undone, and its next attempt makes sbom/ afresh again). The rename cost
            // a fifth of the stage. CREATE_NEW: two SBOMs of one name (a module called "suite") fail instead of one
            // silently replacing the other.
            try {
                Files.write(target, json, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new IOException("another SBOM of this release has the same file name");
            }
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)); // what was written, not read back
            Instant now = Instant.now();
            Map<String, String> details = new TreeMap<>();
            details.put("format", FORMAT);
            details.put("components", String.valueOf(count(bom.getComponents())));
            return new StepResult(STAGE, name, Status.DONE, null, started, now, Duration.between(started, now).toMillis(), null,
                    List.of(new Artifact("sbom", file, sha256, json.length)), details, null);
        } catch (Exception e) {
            Instant now = Instant.now();
            return new StepResult(STAGE, name, Status.FAILED, null, started, now, Duration.between(started, now).toMillis(), null,
                    List.of(), Map.of(), file + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        }
    }

    /**
     * The schema's messages for {@code json}, as {@code JsonParser.validate} gives them. That method parses and compiles
     * the CycloneDX schema again on every call (about 10-20 ms, most of the stage's time at 900 modules); the compiled
     * schema is immutable and safe to share between threads, so it is built once per writer here.
     */
    private List<String> schemaErrors(byte[] json) throws IOException {
        return schema().validate(SCHEMA_MAPPER.readTree(json)).stream().map(com.networknt.schema.Error::getMessage).toList();
    }

    private com.networknt.schema.Schema schema() throws IOException {
        com.networknt.schema.Schema compiled = schema;
        if (compiled == null) {
            synchronized (this) {
                if (schema == null) {
                    schema = new JsonParser().getJsonSchema(SPEC, SCHEMA_MAPPER);
                }
                compiled = schema;
            }
        }
        return compiled;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper SCHEMA_MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();
    private volatile com.networknt.schema.Schema schema;

    private static int count(List<Component> components) {
        return components == null ? 0 : components.stream().mapToInt(c -> 1 + count(c.getComponents())).sum();
    }

    /** A module: its package, its nuspec's dependencies, its image and layers. */
    private Bom moduleBom(ReleaseRun run, StepResult build, Map<String, StepResult> images) throws IOException {
        Component module = moduleComponent(run, build);
        Bom bom = bom(run, run.releaseTag() + "/" + build.name(), module);
        Dependency moduleDeps = new Dependency(module.getBomRef());
        for (Component dependency : nugetDependencies(run, build)) {
            bom.addComponent(dependency);
            moduleDeps.addDependency(new Dependency(dependency.getBomRef()));
        }
        List<Dependency> dependencies = new ArrayList<>(List.of(moduleDeps));
        Optional<Component> image = imageComponent(run, build.name(), images);
        image.ifPresent(i -> {
            bom.addComponent(i);
            Dependency imageDeps = new Dependency(i.getBomRef());
            imageDeps.addDependency(new Dependency(module.getBomRef()));
            dependencies.add(imageDeps);
        });
        addDependencies(bom, dependencies);
        return bom;
    }

    /** The suite: every module with its dependencies, every image, CLI archive and the chart. */
    private Bom suiteBom(ReleaseRun run, List<StepResult> builds, Map<String, StepResult> images) throws IOException {
        var suite = run.requireSuite();
        Component root = new Component();
        root.setType(Component.Type.APPLICATION);
        root.setBomRef("suite:" + suite.version());
        root.setName("suite");
        root.setVersion(suite.version());
        root.setDescription("StellaOps suite " + suite.version() + " " + suite.codename() + " (" + suite.channel() + ")");
        root.setProperties(List.of(new Property("stella-release:tag", suite.tag()),
                new Property("stella-release:codename", suite.codename()), new Property("stella-release:channel", suite.channel())));
        Bom bom = bom(run, run.releaseTag(), root);
        Dependency rootDeps = new Dependency(root.getBomRef());
        // The root's dependencies by ref, first one kept (as Dependency.addDependency does, without its scan per add).
        Map<String, Dependency> rootRefs = new LinkedHashMap<>();
        List<Dependency> dependencies = new ArrayList<>();
        Map<String, Component> libraries = new LinkedHashMap<>();
        for (StepResult build : builds) {
            Component module = moduleComponent(run, build);
            bom.addComponent(module);
            rootRefs.putIfAbsent(module.getBomRef(), new Dependency(module.getBomRef()));
            Dependency moduleDeps = new Dependency(module.getBomRef());
            for (Component dependency : nugetDependencies(run, build)) {
                libraries.putIfAbsent(dependency.getBomRef(), dependency);
                moduleDeps.addDependency(new Dependency(dependency.getBomRef()));
            }
            dependencies.add(moduleDeps);
            Optional<Component> image = imageComponent(run, build.name(), images);
            if (image.isPresent()) {
                bom.addComponent(image.get());
                rootRefs.putIfAbsent(image.get().getBomRef(), new Dependency(image.get().getBomRef()));
                Dependency imageDeps = new Dependency(image.get().getBomRef());
                imageDeps.addDependency(new Dependency(module.getBomRef()));
                dependencies.add(imageDeps);
            }
        }
        libraries.values().forEach(bom::addComponent);
        for (StepResult cli : run.produced(Produces.CLI)) {
            for (Artifact a : cli.artifacts()) {
                Component c = fileComponent(run, Component.Type.APPLICATION, "cli:" + cli.name(), "stella", suite.version(), a);
                c.addProperty(new Property("stella-release:runtime", cli.name()));
                bom.addComponent(c);
                rootRefs.putIfAbsent(c.getBomRef(), new Dependency(c.getBomRef()));
            }
        }
        for (StepResult chart : run.produced(Produces.CHART)) {
            for (Artifact a : chart.artifacts()) {
                Component c = fileComponent(run, Component.Type.APPLICATION, "helm:" + chart.name(), chart.name(),
                        chart.details().getOrDefault("version", suite.version()), a);
                c.addProperty(new Property("stella-release:kind", "helm-chart"));
                bom.addComponent(c);
                rootRefs.putIfAbsent(c.getBomRef(), new Dependency(c.getBomRef()));
            }
        }
        if (!rootRefs.isEmpty()) {
            rootDeps.setDependencies(new ArrayList<>(rootRefs.values()));
        }
        dependencies.add(0, rootDeps);
        addDependencies(bom, dependencies);
        return bom;
    }

    private static void addDependencies(Bom bom, List<Dependency> dependencies) {
        for (Dependency d : dependencies) {
            bom.addDependency(d);
        }
    }

    private static Bom bom(ReleaseRun run, String identity, Component subject) {
        return bom(run.reproducibleTime(), identity, subject);
    }

    private static Bom bom(Instant time, String identity, Component subject) {
        Bom bom = new Bom();
        bom.setSerialNumber("urn:uuid:" + UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)));
        bom.setVersion(1);
        Metadata metadata = new Metadata();
        metadata.setTimestamp(Date.from(time));
        Component tool = new Component();
        tool.setType(Component.Type.APPLICATION);
        tool.setName("stella-release");
        ToolInformation tools = new ToolInformation();
        tools.setComponents(List.of(tool));
        metadata.setToolChoice(tools);
        metadata.setComponent(subject);
        bom.setMetadata(metadata);
        return bom;
    }

    /** The module as its NuGet package (purl, hashes of the .nupkg), or by name alone when no package is built. */
    private static Component moduleComponent(ReleaseRun run, StepResult build) throws IOException {
        String version = build.details().get("version");
        String id = build.details().getOrDefault("packageId", build.name());
        Component module = new Component();
        module.setType(Component.Type.LIBRARY);
        module.setBomRef("module:" + build.name());
        module.setName(id);
        module.setVersion(version);
        Optional<Artifact> nupkg = build.artifacts().stream().filter(a -> a.kind().equals("nuget")).findFirst();
        if (nupkg.isPresent()) {
            module.setPurl(purl("nuget", null, id, version, null));
            module.setHashes(hashes(run.releaseDir().resolve(nupkg.get().path())));
            module.addProperty(new Property("stella-release:file", nupkg.get().path()));
        }
        module.addProperty(new Property("stella-release:module", build.name()));
        return module;
    }

    /** The dependencies the module's nuspec declares, as NuGet components (bom-ref = purl). */
    private static List<Component> nugetDependencies(ReleaseRun run, StepResult build) throws IOException {
        Optional<Artifact> nupkg = build.artifacts().stream().filter(a -> a.kind().equals("nuget")).findFirst();
        if (nupkg.isEmpty()) {
            return List.of();
        }
        Map<String, Component> components = new LinkedHashMap<>();
        for (NuGetDependencies.Dependency d : NuGetDependencies.read(run.releaseDir().resolve(nupkg.get().path()))) {
            String version = d.lowestVersion();
            String purl = purl("nuget", null, d.id(), version, null);
            Component c = components.computeIfAbsent(purl, p -> {
                Component library = new Component();
                library.setType(Component.Type.LIBRARY);
                library.setBomRef(p);
                library.setPurl(p);
                library.setName(d.id());
                library.setVersion(version);
                library.setScope(Component.Scope.REQUIRED);
                if (d.versionRange() != null) {
                    library.addProperty(new Property("nuget:versionRange", d.versionRange()));
                }
                return library;
            });
            if (d.targetFramework() != null) {
                c.addProperty(new Property("nuget:targetFramework", d.targetFramework()));
            }
        }
        return List.copyOf(components.values());
    }

    /** The module's image: repository, tags, manifest digest, the tarball's hashes, and each layer as a file. */
    private static Optional<Component> imageComponent(ReleaseRun run, String module, Map<String, StepResult> images)
            throws IOException {
        Optional<StepResult> built = Optional.ofNullable(images.get(module));
        if (built.isEmpty() || built.get().artifacts().isEmpty()) {
            return Optional.empty();
        }
        StepResult image = built.get();
        Artifact tar = image.artifacts().get(0);
        String repository = image.details().get("repository");
        String digest = image.details().get("digest");
        List<String> tags = List.of(image.details().getOrDefault("tags", "").split(","));
        String name = repository.substring(repository.lastIndexOf('/') + 1);
        Component c = new Component();
        c.setType(Component.Type.CONTAINER);
        c.setBomRef("image:" + module);
        c.setName(repository);
        c.setVersion(tags.get(0));
        Map<String, String> qualifiers = new TreeMap<>();
        qualifiers.put("repository_url", repository);
        qualifiers.put("tag", tags.get(0));
        c.setPurl(purl("oci", null, name, digest, qualifiers));
        c.setHashes(hashes(run.releaseDir().resolve(tar.path())));
        c.addProperty(new Property("oci:manifestDigest", digest));
        c.addProperty(new Property("oci:tags", String.join(",", tags)));
        c.addProperty(new Property("stella-release:file", tar.path()));
        for (OciImageLayers.Image manifest : OciImageLayers.read(run.releaseDir().resolve(tar.path()))) {
            if (manifest.configDigest() != null) {
                c.addProperty(new Property("oci:config", manifest.configDigest()));
            }
            int n = 0;
            for (OciImageLayers.Layer layer : manifest.layers()) {
                Component l = new Component();
                l.setType(Component.Type.FILE);
                l.setBomRef("image:" + module + ":layer:" + (n++) + ":" + layer.digest());
                l.setName(layer.digest());
                l.addHash(new Hash(Hash.Algorithm.SHA_256, layer.digest().substring(layer.digest().indexOf(':') + 1)));
                l.addProperty(new Property("oci:mediaType", layer.mediaType()));
                l.addProperty(new Property("oci:size", String.valueOf(layer.size())));
                c.addComponent(l);
            }
        }
        return Optional.of(c);
    }

    private static Component fileComponent(ReleaseRun run, Component.Type type, String ref, String name, String version,
                                           Artifact artifact) throws IOException {
        Component c = new Component();
        c.setType(type);
        c.setBomRef(ref);
        c.setName(name);
        c.setVersion(version);
        c.setHashes(hashes(run.releaseDir().resolve(artifact.path())));
        c.addProperty(new Property("stella-release:file", artifact.path()));
        return c;
    }

    /** SHA-256 and SHA-512 of a file, read once. */
    static List<Hash> hashes(Path file) throws IOException {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
            try (InputStream in = new DigestInputStream(new DigestInputStream(Files.newInputStream(file), sha256), sha512)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return List.of(new Hash(Hash.Algorithm.SHA_256, HexFormat.of().formatHex(sha256.digest())),
                    new Hash(Hash.Algorithm.SHA_512, HexFormat.of().formatHex(sha512.digest())));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256 and SHA-512", e);
        }
    }

    private static String purl(String type, String namespace, String name, String version, Map<String, String> qualifiers) {
        try {
            return new PackageURL(type, namespace, name, version, qualifiers == null ? null : new TreeMap<>(qualifiers), null)
                    .canonicalize();
        } catch (MalformedPackageURLException e) {
            throw new IllegalArgumentException("no package URL for " + name + "@" + version + ": " + e.getMessage(), e);
        }
    }
}
