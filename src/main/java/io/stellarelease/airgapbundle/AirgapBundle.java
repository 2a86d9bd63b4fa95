package io.stellarelease.airgapbundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.stellarelease.airgapbundle.BundleFormat.BLOBS;
import static io.stellarelease.airgapbundle.BundleFormat.INDEX;
import static io.stellarelease.airgapbundle.BundleFormat.LAYOUT;
import static io.stellarelease.airgapbundle.BundleFormat.REF_NAME;

/**
 * An air-gap bundle unpacked into a scratch directory and checked before anything is imported from it: every file
 * matches its entry in {@value BundleFormat#INDEX} and in the release's checksums file, nothing is there that the
 * index does not list, each blob hashes to its name, and the images and the chart are the ones the bundled manifest
 * names, by digest. A bundle that fails any check is refused with the file and the reason.
 */
public final class AirgapBundle implements AutoCloseable {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Something the bundle puts in a registry: a reference's tags, all naming one manifest digest. */
    public record Target(String name, String repository, List<String> tags, String digest) {
        /** Where it goes in any registry: the reference without its registry host. */
        public String path() {
            return BundleFormat.repositoryPath(repository);
        }
    }

    private record FileSum(String sha256, long size) { }

    private final Path scratch;
    private final Path root;
    private final String name;
    private final JsonNode index;
    private final List<Target> targets;

    private AirgapBundle(Path scratch, Path root, String name, JsonNode index, List<Target> targets) {
        this.scratch = scratch;
        this.root = root;
        this.name = name;
        this.index = index;
        this.targets = targets;
    }

    /**
     * Unpacks and checks {@code bundle} (a .tar, .tar.gz or .tar.zst, recognised by its content) under a new directory
     * in {@code scratchParent} (null: the system's temporary directory), removed by {@link #close()}.
     */
    public static AirgapBundle open(Path bundle, Path scratchParent) throws IOException {
        if (!Files.isRegularFile(bundle)) {
            throw new AirgapException(bundle + ": no such bundle");
        }
        Path scratch = scratchParent == null ? Files.createTempDirectory("stella-airgap-")
                : Files.createTempDirectory(Files.createDirectories(scratchParent), "import-");
        try {
            Map<String, FileSum> files = new TreeMap<>();
            String top = unpack(bundle, scratch, files);
            Path root = scratch.resolve(top);
            JsonNode index = JSON.readTree(root.resolve(INDEX).toFile());
            List<Target> targets = verify(bundle.getFileName().toString(), top, root, index, files);
            return new AirgapBundle(scratch, root, top, index, targets);
        } catch (IOException | RuntimeException e) {
            AirgapBundleWriter.deleteTree(scratch);
            throw e;
        }
    }

    /** The images (every tag) and the chart, as the index names them and the manifest confirms. */
    public List<Target> targets() {
        return targets;
    }

    /** The unpacked OCI image layout. */
    public Path layout() {
        return root.resolve(LAYOUT);
    }

    /** The bundle's top directory, {@code stellaops-airgap-<version>}. */
    public String name() {
        return name;
    }

    public String suiteVersion() {
        return index.at("/suite/version").asText();
    }

    @Override
    public void close() throws IOException {
        AirgapBundleWriter.deleteTree(scratch);
    }

    /** Unpacks into {@code dir}, refusing links, absolute names, '..' and more than one top directory. Returns the top. */
    private static String unpack(Path bundle, Path dir, Map<String, FileSum> files) throws IOException {
        String top = null;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(bundle));
             TarArchiveInputStream tar = new TarArchiveInputStream(decompress(raw))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String name = entry.getName();
                String clean = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
                if (clean.isEmpty() || clean.startsWith("/") || clean.contains("\\")
                        || List.of(clean.split("/")).stream().anyMatch(s -> s.isEmpty() || s.equals("..") || s.equals("."))) {
                    throw new AirgapException(bundle.getFileName() + ": entry name refused: " + name);
                }
                String first = clean.split("/")[0];
                if (top == null) {
                    top = first;
                } else if (!top.equals(first)) {
                    throw new AirgapException(bundle.getFileName() + ": everything must be under " + top + "/: got " + name);
                }
                Path target = dir.resolve(clean);
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isFile() && !entry.isLink() && !entry.isSymbolicLink()) {
                    if (clean.equals(top)) {
                        throw new AirgapException(bundle.getFileName() + ": a file at the top, " + name);
                    }
                    String path = clean.substring(top.length() + 1);
                    if (files.containsKey(path)) {
                        throw new AirgapException(bundle.getFileName() + ": " + clean + " is in the bundle twice");
                    }
                    Files.createDirectories(target.getParent());
                    String sha = BundleFormat.copyHashing(tar, target);
                    files.put(path, new FileSum(sha, Files.size(target)));
                } else {
                    throw new AirgapException(bundle.getFileName() + ": " + name + " is not a regular file or directory"
                            + " (links and devices are refused)");
                }
            }
        } catch (AirgapException e) {
            throw e;
        } catch (IOException e) {
            throw new AirgapException(bundle.getFileName() + ": not a readable air-gap bundle (tar, tar.gz or tar.zst): "
                    + e.getMessage(), e);
        }
        if (top == null || !files.containsKey(INDEX)) {
            throw new AirgapException(bundle.getFileName() + ": no " + INDEX + ", not an air-gap bundle");
        }
        return top;
    }

    private static InputStream decompress(InputStream in) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GzipCompressorInputStream(in);
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            return new ZstdCompressorInputStream(in);
        }
        return in;
    }

    private static List<Target> verify(String bundle, String top, Path root, JsonNode index, Map<String, FileSum> files)
            throws IOException {
        if (!BundleFormat.SCHEMA.equals(index.path("schema").asText())) {
            throw new AirgapException(top + "/" + INDEX + ": schema must be " + BundleFormat.SCHEMA + ": got "
                    + index.path("schema").asText(null));
        }
        // 1. The index: every file it lists is there with its size and sha256, and nothing else is.
        Set<String> listed = new TreeSet<>();
        for (JsonNode f : index.path("files")) {
            String path = f.path("path").asText();
            listed.add(path);
            FileSum actual = files.get(path);
            if (actual == null) {
                throw new AirgapException(top + "/" + path + ": listed in " + INDEX + " but missing from the bundle");
            }
            if (!actual.sha256().equals(f.path("sha256").asText()) || actual.size() != f.path("size").asLong(-1)) {
                throw new AirgapException(top + "/" + path + ": sha256 " + actual.sha256() + " (" + actual.size()
                        + " bytes) does not match " + INDEX + " (" + f.path("sha256").asText() + ", " + f.path("size").asText()
                        + " bytes)");
            }
            if (path.startsWith(BLOBS) && !path.substring(BLOBS.length()).equals(actual.sha256())) {
                throw new AirgapException(top + "/" + path + ": blob hashes to " + actual.sha256());
            }
        }
        for (String path : files.keySet()) {
            if (!path.equals(INDEX) && !listed.contains(path)) {
                throw new AirgapException(top + "/" + path + ": not in the bundle's " + INDEX);
            }
        }
        // 2. The release's checksums file: each file it lists that the bundle holds matches; the image tarballs
        //    it lists are in the layout instead (their digests are checked against the manifest below).
        String manifestName = index.path("manifest").asText();
        String checksumsName = index.path("checksums").asText();
        for (String required : List.of(manifestName, checksumsName)) {
            if (required.isEmpty() || !files.containsKey(required)) {
                throw new AirgapException(top + ": the release's " + (required.isEmpty() ? "manifest or checksums" : required)
                        + " is not in the bundle");
            }
        }
        JsonNode manifest = YAML.readTree(root.resolve(manifestName).toFile());
        Set<String> imageFiles = new TreeSet<>();
        manifest.path("modules").forEach(m -> {
            if (m.hasNonNull("image")) {
                imageFiles.add(m.at("/image/file").asText());
            }
        });
        for (Map.Entry<String, String> sum : AirgapBundleWriter.readChecksums(root.resolve(checksumsName)).entrySet()) {
            FileSum actual = files.get(sum.getKey());
            if (actual == null) {
                if (!imageFiles.contains(sum.getKey())) {
                    throw new AirgapException(top + "/" + sum.getKey() + ": listed in " + checksumsName
                            + " but missing from the bundle");
                }
            } else if (!actual.sha256().equals(sum.getValue())) {
                throw new AirgapException(top + "/" + sum.getKey() + ": sha256 " + actual.sha256() + " does not match "
                        + checksumsName + " (" + sum.getValue() + ")");
            }
        }
        // 3. The images and the chart: what the index says is what the manifest released, by digest.
        List<Target> targets = new ArrayList<>();
        Map<String, JsonNode> indexImages = new LinkedHashMap<>();
        index.path("images").forEach(i -> indexImages.put(i.path("module").asText(), i));
        for (JsonNode module : manifest.path("modules")) {
            if (!module.hasNonNull("image")) {
                continue;
            }
            String name = module.path("name").asText();
            JsonNode released = module.get("image");
            JsonNode bundled = indexImages.remove(name);
            if (bundled == null) {
                throw new AirgapException(top + "/" + INDEX + ": the image of " + name + " (" + manifestName + ") is not in the bundle");
            }
            for (String field : List.of("repository", "digest", "tags")) {
                if (!Objects.equals(released.get(field), bundled.get(field))) {
                    throw new AirgapException(top + "/" + INDEX + ": " + name + " image " + field + " " + bundled.get(field)
                            + " differs from " + manifestName + " (" + released.get(field) + ")");
                }
            }
            List<String> tags = new ArrayList<>();
            bundled.path("tags").forEach(t -> tags.add(t.asText()));
            targets.add(new Target(name, bundled.path("repository").asText(), List.copyOf(tags), bundled.path("digest").asText()));
        }
        if (!indexImages.isEmpty()) {
            throw new AirgapException(top + "/" + INDEX + ": images not in " + manifestName + ": " + indexImages.keySet());
        }
        JsonNode chart = index.path("chart");
        if (!chart.isMissingNode() && !chart.isNull()) {
            JsonNode helm = manifest.path("helm");
            if (!chart.path("file").asText().equals(helm.path("file").asText())) {
                throw new AirgapException(top + "/" + INDEX + ": chart " + chart.path("file").asText() + " is not "
                        + manifestName + "'s (" + helm.path("file").asText() + ")");
            }
            String pushed = helm.at("/oci/digest").asText("");
            if (!pushed.isEmpty() && !pushed.equals(chart.path("digest").asText())) {
                throw new AirgapException(top + "/" + INDEX + ": chart digest " + chart.path("digest").asText()
                        + " differs from " + manifestName + " (helm.oci.digest " + pushed + ")");
            }
            requireChartLayer(top, root, chart.path("digest").asText(), helm.path("sha256").asText(), manifestName);
            targets.add(new Target(chart.path("name").asText(), chart.path("repository").asText(),
                    List.of(chart.path("tag").asText()), chart.path("digest").asText()));
        } else if (manifest.path("helm").hasNonNull("file")) {
            throw new AirgapException(top + "/" + INDEX + ": the chart of " + manifestName + " is not in the bundle");
        }
        // 4. The layout's index.json names exactly these tags, each at its digest.
        Map<String, String> layoutTags = new TreeMap<>();
        for (JsonNode d : JSON.readTree(root.resolve(LAYOUT).resolve("index.json").toFile()).path("manifests")) {
            layoutTags.put(d.path("annotations").path(REF_NAME).asText(), d.path("digest").asText());
        }
        Map<String, String> expected = new TreeMap<>();
        targets.forEach(t -> t.tags().forEach(tag -> expected.put(t.repository() + ":" + tag, t.digest())));
        if (!layoutTags.equals(expected)) {
            throw new AirgapException(top + "/" + LAYOUT + "/index.json: names " + layoutTags + ", the bundle's index and "
                    + manifestName + " say " + expected);
        }
        return List.copyOf(targets);
    }

    /** The chart artifact's one layer is the chart file the manifest released. */
    private static void requireChartLayer(String top, Path root, String digest, String chartSha, String manifestName)
            throws IOException {
        Path blob = root.resolve(BLOBS).resolve(digest.substring("sha256:".length()));
        if (!Files.isRegularFile(blob)) {
            throw new AirgapException(top + "/" + BLOBS + digest.substring(7) + ": the chart's manifest is missing");
        }
        JsonNode layers = JSON.readTree(blob.toFile()).path("layers");
        if (layers.size() != 1 || !layers.get(0).path("digest").asText().equals("sha256:" + chartSha)) {
            throw new AirgapException(top + "/" + BLOBS + digest.substring(7) + ": the chart artifact's layer is not "
                    + manifestName + "'s chart (sha256 " + chartSha + ")");
        }
    }
}
