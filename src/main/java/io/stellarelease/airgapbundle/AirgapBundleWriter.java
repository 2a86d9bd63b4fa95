package io.stellarelease.airgapbundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stellarelease.config.AirgapSettings;
import io.stellarelease.clients.HelmOciArtifact;
import io.stellarelease.util.Files2;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipParameters;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.stellarelease.airgapbundle.BundleFormat.BLOBS;
import static io.stellarelease.airgapbundle.BundleFormat.INDEX;
import static io.stellarelease.airgapbundle.BundleFormat.JSON;
import static io.stellarelease.airgapbundle.BundleFormat.LAYOUT;
import static io.stellarelease.airgapbundle.BundleFormat.REF_NAME;

/**
 * Writes the air-gap bundle of a release directory: every image with all its tags and the chart (as an OCI artifact,
 * Helm's media types) in one OCI image layout, the release's files as its checksums file lists them (packages, CLI
 * archives, chart, manifest; the image tarballs are in the layout instead), the checksums file, signatures beside
 * them, and {@value BundleFormat#INDEX}. Reproducible: entries sorted, one mtime (the commit time), owner 0:0, modes
 * 0644/0755, no compressor timestamps; the same release files give the same bytes.
 *
 * <p>The release directory is checked on the way: a file whose sha256 differs from the checksums file, or an image
 * whose digest differs from the manifest's, stops the bundle with the file's name.
 */
public final class AirgapBundleWriter {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final int FILE_MODE = 0100644;
    private static final int DIR_MODE = 0040755;

    /** An image in the bundle's layout: where it comes from, the reference it was published under, its tags. */
    public record Image(String module, String repository, List<String> tags, String digest) { }

    /** The chart in the bundle: its file and, as an OCI artifact in the layout, its repository, tag and digest. */
    public record Chart(String name, String version, String file, String repository, String digest) { }

    /** What was written. {@code root} is the directory everything is under inside the tar. */
    public record Bundle(Path file, String sha256, long size, String root, List<Image> images, Chart chart, int files) {
        public int tagCount() {
            return images.stream().mapToInt(i -> i.tags().size()).sum() + (chart == null ? 0 : 1);
        }
    }

    /** The inputs: the release directory, its manifest and checksums file (names inside it), and the suite. */
    public record Release(Path dir, String version, String manifest, String checksums, Map<String, Object> suite) { }

    /**
     * @param chartRepository the chart's OCI repository for a chart that was not pushed to a registry, from its name
     * @param workDir         scratch space for the layout being assembled (emptied first, removed afterwards)
     */
    public Bundle write(Release release, Path target, Path workDir, Instant mtime, AirgapSettings.Compression compression,
                        UnaryOperator<String> chartRepository) throws IOException {
        Path dir = release.dir();
        Path manifestFile = dir.resolve(release.manifest());
        Path sumsFile = dir.resolve(release.checksums());
        for (Path required : List.of(manifestFile, sumsFile)) {
            if (!Files.isRegularFile(required)) {
                throw new AirgapException(required.getFileName() + " is not in " + dir
                        + ": the air-gap bundle is made after release-manifest, which writes it");
            }
        }
        JsonNode manifest = YAML.readTree(manifestFile.toFile());
        Map<String, String> sums = readChecksums(sumsFile);

        // The image tarballs go into the one layout; every other checksummed file goes in as it is.
        Set<String> imageFiles = new LinkedHashSet<>();
        for (JsonNode module : manifest.path("modules")) {
            if (module.hasNonNull("image")) {
                imageFiles.add(module.at("/image/file").asText());
            }
        }
        TreeMap<String, Path> files = new TreeMap<>();
        for (Map.Entry<String, String> sum : sums.entrySet()) {
            Path file = dir.resolve(sum.getKey()).normalize();
            if (!file.startsWith(dir) || !Files.isRegularFile(file)) {
                throw new AirgapException(release.checksums() + " lists " + sum.getKey() + ", which is not in " + dir);
            }
            String actual = Files2.sha256(file);
            if (!actual.equals(sum.getValue())) {
                throw new AirgapException(sum.getKey() + ": sha256 " + actual + " does not match " + release.checksums()
                        + " (" + sum.getValue() + "); the release directory changed after its checksums were written");
            }
            if (!imageFiles.contains(sum.getKey())) {
                files.put(sum.getKey(), file);
            }
        }
        files.put(release.checksums(), sumsFile);
        for (String path : List.copyOf(files.keySet())) {
            for (String ending : BundleFormat.SIGNATURES) {
                Path signature = dir.resolve(path + ending);
                if (Files.isRegularFile(signature)) {
                    files.put(path + ending, signature);
                }
            }
        }

        // The layout: blobs of every image and of the chart artifact, index.json with one entry per tag.
        deleteTree(workDir);
        Path layout = Files.createDirectories(workDir.resolve(LAYOUT));
        Path blobs = Files.createDirectories(workDir.resolve(BLOBS));
        List<Map<String, Object>> descriptors = new ArrayList<>();
        List<Image> images = new ArrayList<>();
        for (JsonNode module : manifest.path("modules")) {
            JsonNode image = module.path("image");
            if (image.isMissingNode() || image.isNull()) {
                continue;
            }
            String name = module.path("name").asText();
            String repository = image.path("repository").asText();
            String digest = image.path("digest").asText();
            List<String> tags = new ArrayList<>();
            image.path("tags").forEach(t -> tags.add(t.asText()));
            JsonNode descriptor = descriptorOf(unpackBlobs(dir.resolve(image.path("file").asText()), blobs), digest);
            if (descriptor == null) {
                throw new AirgapException(image.path("file").asText() + ": its index.json does not name the manifest's digest "
                        + digest + " for " + name);
            }
            requireBlobsOf(blobs, digest, image.path("file").asText());
            for (String tag : tags) {
                descriptors.add(descriptor(descriptor.path("mediaType").asText(BundleFormat.OCI_MANIFEST), digest,
                        descriptor.path("size").asLong(), repository + ":" + tag));
            }
            images.add(new Image(name, repository, List.copyOf(tags), digest));
        }
        Chart chart = null;
        JsonNode helm = manifest.path("helm");
        if (helm.hasNonNull("file")) {
            String chartName = helm.path("chart").asText();
            String version = helm.path("version").asText();
            Path artifact = workDir.resolve("chart.oci.tar");
            String digest = HelmOciArtifact.write(dir.resolve(helm.path("file").asText()), chartName, version,
                    helm.hasNonNull("appVersion") ? helm.path("appVersion").asText() : null, artifact);
            String pushed = helm.at("/oci/digest").asText("");
            if (!pushed.isEmpty() && !pushed.equals(digest)) {
                throw new AirgapException(helm.path("file").asText() + ": as an OCI artifact its digest is " + digest
                        + ", the manifest's helm.oci.digest is " + pushed);
            }
            String repository = helm.at("/oci/repository").asText("");
            if (repository.isEmpty()) {
                repository = chartRepository.apply(chartName);
            }
            JsonNode descriptor = descriptorOf(unpackBlobs(artifact, blobs), digest);
            Files.delete(artifact);
            descriptors.add(descriptor(BundleFormat.OCI_MANIFEST, digest, descriptor.path("size").asLong(),
                    repository + ":" + version));
            chart = new Chart(chartName, version, helm.path("file").asText(), repository, digest);
        }
        descriptors.sort(java.util.Comparator.comparing(d -> refName(d)));
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        index.put("manifests", descriptors);
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        try (Stream<Path> walk = Files.walk(layout)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                files.put(LAYOUT + "/" + layout.relativize(p).toString().replace('\\', '/'), p);
            }
        }

        // The index: every other file with its sha256 and size, the images and the chart.
        List<Map<String, Object>> listed = new ArrayList<>();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("path", f.getKey());
            entry.put("kind", kind(f.getKey(), release));
            entry.put("sha256", f.getKey().startsWith(BLOBS) ? f.getKey().substring(BLOBS.length()) : Files2.sha256(f.getValue()));
            entry.put("size", Files.size(f.getValue()));
            listed.add(entry);
        }
        Map<String, Object> bundleIndex = new LinkedHashMap<>();
        bundleIndex.put("schema", BundleFormat.SCHEMA);
        bundleIndex.put("suite", release.suite());
        bundleIndex.put("manifest", release.manifest());
        bundleIndex.put("checksums", release.checksums());
        bundleIndex.put("layout", LAYOUT);
        bundleIndex.put("images", images.stream().map(i -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("module", i.module());
            m.put("repository", i.repository());
            m.put("tags", i.tags());
            m.put("digest", i.digest());
            return m;
        }).toList());
        if (chart != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", chart.name());
            c.put("version", chart.version());
            c.put("file", chart.file());
            c.put("repository", chart.repository());
            c.put("tag", chart.version());
            c.put("digest", chart.digest());
            bundleIndex.put("chart", c);
        }
        bundleIndex.put("files", listed);
        byte[] indexBytes = JSON.writeValueAsBytes(bundleIndex);

        String root = BundleFormat.baseName(release.version());
        try {
            String sha = writeTar(target, root, indexBytes, files, mtime, compression);
            return new Bundle(target, sha, Files.size(target), root, List.copyOf(images), chart, files.size() + 1);
        } finally {
            deleteTree(workDir); // the assembled layout is in the bundle now; a second copy of every image is not kept
        }
    }

    private static String refName(Map<String, Object> descriptor) {
        @SuppressWarnings("unchecked")
        Map<String, String> annotations = (Map<String, String>) descriptor.get("annotations");
        return annotations.get(REF_NAME);
    }

    private static Map<String, Object> descriptor(String mediaType, String digest, long size, String refName) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        d.put("annotations", Map.of(REF_NAME, refName));
        return d;
    }

    private static String kind(String path, Release release) {
        if (path.equals(release.manifest())) {
            return "manifest";
        }
        if (path.equals(release.checksums())) {
            return "checksums";
        }
        if (BundleFormat.SIGNATURES.stream().anyMatch(path::endsWith)) {
            return "signature";
        }
        if (path.startsWith(LAYOUT + "/")) {
            return "oci-layout";
        }
        int slash = path.indexOf('/');
        return slash > 0 ? path.substring(0, slash) : "file";
    }

    /** {@code sha256  path} lines of a checksums file. */
    static Map<String, String> readChecksums(Path file) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            if (line.length() < 67 || !BundleFormat.SHA256_HEX.matcher(line.substring(0, 64)).matches()
                    || line.charAt(64) != ' ') {
                throw new AirgapException(file.getFileName() + ": not a sha256sum line: " + line);
            }
            String path = line.substring(66);
            sums.put(path.startsWith("*") ? path.substring(1) : path, line.substring(0, 64));
        }
        return sums;
    }

    /**
     * Copies the blobs of an OCI image-layout tar into {@code blobs} (content-addressed: one already there is the same
     * bytes), each checked against its name, and returns the tar's index.json.
     */
    static JsonNode unpackBlobs(Path tar, Path blobs) throws IOException {
        JsonNode index = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar));
             TarArchiveInputStream entries = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                if (name.equals("index.json")) {
                    index = new ObjectMapper().readTree(entries.readAllBytes());
                } else if (entry.isFile() && name.startsWith("blobs/sha256/")) {
                    String hex = name.substring("blobs/sha256/".length());
                    if (!BundleFormat.SHA256_HEX.matcher(hex).matches()) {
                        throw new AirgapException(tar.getFileName() + ": not a blob name: " + name);
                    }
                    Path target = blobs.resolve(hex);
                    if (Files.exists(target)) {
                        continue;
                    }
                    Path tmp = blobs.resolve(hex + ".part");
                    String actual = BundleFormat.copyHashing(entries, tmp);
                    if (!actual.equals(hex)) {
                        Files.delete(tmp);
                        throw new AirgapException(tar.getFileName() + ": blob " + hex + " hashes to " + actual);
                    }
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        if (index == null) {
            throw new AirgapException(tar.getFileName() + ": no index.json, not an OCI image layout");
        }
        return index;
    }

    private static JsonNode descriptorOf(JsonNode index, String digest) {
        for (JsonNode d : index.path("manifests")) {
            if (d.path("digest").asText().equals(digest)) {
                return d;
            }
        }
        return null;
    }

    /** The manifest, its config and every layer are in the layout: an image that cannot be pulled is not bundled. */
    private static void requireBlobsOf(Path blobs, String digest, String source) throws IOException {
        Path manifest = blobs.resolve(digest.substring("sha256:".length()));
        if (!Files.isRegularFile(manifest)) {
            throw new AirgapException(source + ": manifest " + digest + " is not among its blobs");
        }
        JsonNode m = new ObjectMapper().readTree(manifest.toFile());
        List<String> needed = new ArrayList<>();
        needed.add(m.at("/config/digest").asText());
        m.path("layers").forEach(l -> needed.add(l.path("digest").asText()));
        for (String blob : needed) {
            if (!blob.startsWith("sha256:") || !Files.isRegularFile(blobs.resolve(blob.substring(7)))) {
                throw new AirgapException(source + ": blob " + blob + " of manifest " + digest + " is not in the tarball");
            }
        }
    }

    /** The tar, sorted, under {@code root/}; written beside the target and moved into place. Returns its sha256. */
    private static String writeTar(Path target, String root, byte[] index, TreeMap<String, Path> files, Instant mtime,
                                   AirgapSettings.Compression compression) throws IOException {
        TreeMap<String, Object> entries = new TreeMap<>();
        entries.put(INDEX, index);
        entries.putAll(files);
        // Directories, so extracting gives the same modes everywhere; a name ending in "/" sorts before its children.
        for (String name : List.copyOf(entries.keySet())) {
            for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                entries.putIfAbsent(name.substring(0, slash + 1), Boolean.TRUE);
            }
        }
        long time = mtime.truncatedTo(ChronoUnit.SECONDS).toEpochMilli(); // a fraction would add a PAX header
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp");
        try {
            MessageDigest sha = BundleFormat.sha256();
            try (OutputStream file = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)), sha);
                 TarArchiveOutputStream tar = new TarArchiveOutputStream(compress(file, compression))) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                putDirectory(tar, root + "/", time);
                for (Map.Entry<String, Object> e : entries.entrySet()) {
                    String name = root + "/" + e.getKey();
                    if (e.getValue() == Boolean.TRUE) {
                        putDirectory(tar, name, time);
                    } else if (e.getValue() instanceof byte[] bytes) {
                        putFile(tar, name, bytes.length, time);
                        tar.write(bytes);
                        tar.closeArchiveEntry();
                    } else {
                        Path source = (Path) e.getValue();
                        putFile(tar, name, Files.size(source), time);
                        Files.copy(source, tar);
                        tar.closeArchiveEntry();
                    }
                }
                tar.finish();
            }
            if (Files.getFileAttributeView(tmp, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
                // createTempFile makes 0600; a release file is readable like the others.
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files2.moveAtomically(tmp, target);
            return HexFormat.of().formatHex(sha.digest());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static OutputStream compress(OutputStream out, AirgapSettings.Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> out;
            case GZIP -> {
                GzipParameters gzip = new GzipParameters();
                gzip.setModificationTime(0); // the gzip header's own clock would defeat reproducibility
                gzip.setOperatingSystem(255);
                yield new GzipCompressorOutputStream(out, gzip);
            }
            // Single-threaded at a fixed level: the same input gives the same frames.
            case ZSTD -> new ZstdCompressorOutputStream(out, 3);
        };
    }

    private static void putDirectory(TarArchiveOutputStream tar, String name, long time) throws IOException {
        TarArchiveEntry entry = entry(name, time);
        entry.setMode(DIR_MODE);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static void putFile(TarArchiveOutputStream tar, String name, long size, long time) throws IOException {
        TarArchiveEntry entry = entry(name, time);
        entry.setMode(FILE_MODE);
        entry.setSize(size);
        tar.putArchiveEntry(entry);
    }

    private static TarArchiveEntry entry(String name, long time) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setModTime(time);
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
        return entry;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
