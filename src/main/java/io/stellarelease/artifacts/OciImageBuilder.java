package io.stellarelease.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds an OCI image from a publish directory with Jib, without a Docker daemon, into an OCI image-layout
 * tarball. The same input and creation time give the same bytes and so the same digest.
 *
 * <p>Jib's OCI tarball names the image only once: index.json carries a single
 * {@code org.opencontainers.image.ref.name}, the primary tag, and additional tags are dropped (only its Docker
 * format records them, in manifest.json). So the tarball is rewritten with one index.json descriptor per tag,
 * all pointing at the same manifest; the blobs, and so the digest, are untouched.
 */
public final class OciImageBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(OciImageBuilder.class);
    private static final String SCRATCH = "scratch";
    private static final String INDEX_JSON = "index.json";
    private static final String BLOB_PREFIX = "blobs/sha256/";
    private static final String REF_NAME = "org.opencontainers.image.ref.name";

    /**
     * What to build.
     *
     * @param publishDir   directory whose contents become the single application layer
     * @param appRoot      absolute path in the image the layer is extracted to, e.g. {@code /app}
     * @param baseImage    {@code scratch}, which needs no network, or an image reference pulled from its registry
     * @param repository   image repository without tag, e.g. {@code git.stella-ops.org/stella-ops.org/authority}
     * @param tags         tags written for the image, the first one being Jib's primary tag
     * @param output       the OCI image-layout tarball to write
     * @param creationTime image creation time and the time of every file in the layer
     */
    public record ImageSpec(Path publishDir, String appRoot, String baseImage, List<String> entrypoint,
                            Map<String, String> labels, Map<String, String> environment,
                            String repository, List<String> tags, Path output, Instant creationTime) {
        public ImageSpec {
            Objects.requireNonNull(publishDir, "publishDir");
            Objects.requireNonNull(appRoot, "appRoot");
            Objects.requireNonNull(baseImage, "baseImage");
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(tags, "tags");
            Objects.requireNonNull(output, "output");
            Objects.requireNonNull(creationTime, "creationTime");
            AbsoluteUnixPath.get(appRoot); // rejects a relative path now rather than mid-build
            entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
            // Sorted, so what Jib receives does not depend on the caller's map type. (Jib then orders Env and
            // Labels through a HashMap: not sorted, but fixed for fixed input since String hashes are.)
            labels = labels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
            environment = environment == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(environment));
            tags = List.copyOf(new LinkedHashSet<>(tags));
            if (tags.isEmpty()) {
                throw new IllegalArgumentException("image " + repository + ": at least one tag is required");
            }
            String lastSegment = repository.substring(repository.lastIndexOf('/') + 1);
            if (repository.contains("@") || lastSegment.contains(":")) {
                throw new IllegalArgumentException("image repository must not carry a tag or digest: got " + repository);
            }
            for (String tag : tags) {
                reference(repository, tag);
            }
        }
    }

    /**
     * What was built.
     *
     * @param digest  the manifest digest, {@code sha256:...}, which a registry answers for the pushed image
     * @param imageId the config digest, which {@code docker images} shows as the image id
     * @param size    size in bytes of the written tarball
     */
    public record ImageResult(String repository, List<String> tags, String digest, String imageId, long size, Path path) { }

    private final Path cacheDir;
    private final ObjectMapper json = new ObjectMapper();

    /** Jib's layer caches go to {@code .jib-cache} beside each output, never to the user's home. */
    public OciImageBuilder() {
        this(null);
    }

    /** Jib's layer caches go to {@code cacheDir}. */
    public OciImageBuilder(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    public ImageResult build(ImageSpec spec) throws IOException, InterruptedException {
        Path output = spec.output().toAbsolutePath();
        Path cache = cacheDir != null ? cacheDir : output.getParent().resolve(".jib-cache");
        Files.createDirectories(output.getParent());
        boolean scratch = SCRATCH.equals(spec.baseImage());

        JibContainerBuilder builder = base(spec.baseImage())
                .setFormat(ImageFormat.OCI)
                .setCreationTime(spec.creationTime())
                .setEntrypoint(spec.entrypoint())
                .setLabels(spec.labels())
                .setEnvironment(spec.environment())
                .addFileEntriesLayer(layer(spec));

        removeLeftovers(output);
        Path jibTar = Files.createTempFile(output.getParent(), "." + output.getFileName(), ".jib");
        try {
            Containerizer containerizer = Containerizer
                    .to(TarImage.at(jibTar).named(reference(spec.repository(), spec.tags().get(0))))
                    .setApplicationLayersCache(cache.resolve("application"))
                    .setBaseImageLayersCache(cache.resolve("base"))
                    // With scratch there is nothing to pull: offline mode makes "no network" a guarantee.
                    .setOfflineMode(scratch)
                    .setToolName("stella-release")
                    .addEventHandler(LogEvent.class, OciImageBuilder::log);
            for (String tag : spec.tags().subList(1, spec.tags().size())) {
                containerizer.withAdditionalTag(tag);
            }
            JibContainer container = containerize(builder, containerizer, spec);

            AtomicReference<String> digest = new AtomicReference<>();
            ArchiveWriter.writeAtomically(output, tmp -> digest.set(retag(jibTar, tmp, spec)));
            if (!digest.get().equals(container.getDigest().toString())) {
                throw new IOException(output + ": manifest digest " + digest.get()
                        + " differs from the digest Jib reported, " + container.getDigest());
            }
            return new ImageResult(spec.repository(), spec.tags(), digest.get(), container.getImageId().toString(),
                    Files.size(output), spec.output());
        } finally {
            Files.deleteIfExists(jibTar);
        }
    }

    /**
     * Removes the temporary files an earlier build of {@code output} left when it was killed mid-way (Jib's tarball
     * {@code .<name><random>.jib}, the retagged copy {@code .<name><random>.tmp}): only one build writes an output
     * at a time, so any such file is an orphan.
     */
    static void removeLeftovers(Path output) throws IOException {
        String prefix = "." + output.getFileName();
        try (var files = Files.list(output.getParent())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.startsWith(prefix) && (name.endsWith(".jib") || name.endsWith(".tmp")) && Files.isRegularFile(file)) {
                    LOG.debug("removing {}, left by an earlier build that did not finish", file);
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static JibContainerBuilder base(String baseImage) {
        if (SCRATCH.equals(baseImage)) {
            return Jib.fromScratch();
        }
        try {
            return Jib.from(RegistryImage.named(baseImage));
        } catch (InvalidImageReferenceException e) {
            throw new IllegalArgumentException("base image " + baseImage + ": not a valid image reference", e);
        }
    }

    /** The publish directory as one layer: sorted, 0755/0644, owner 0:0, every entry at the creation time. */
    private static FileEntriesLayer layer(ImageSpec spec) throws IOException {
        AbsoluteUnixPath root = AbsoluteUnixPath.get(spec.appRoot());
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("publish")
                .addEntry(spec.publishDir(), root, permissions(ArchiveWriter.DIR_MODE), spec.creationTime());
        for (ArchiveWriter.Entry entry : ArchiveWriter.collect(spec.publishDir())) {
            String name = entry.directory() ? entry.name().substring(0, entry.name().length() - 1) : entry.name();
            layer.addEntry(spec.publishDir().resolve(name), root.resolve(name), permissions(entry.mode()), spec.creationTime());
        }
        return layer.build();
    }

    private static FilePermissions permissions(int mode) {
        return FilePermissions.fromOctalString(String.format("%03o", mode));
    }

    private static JibContainer containerize(JibContainerBuilder builder, Containerizer containerizer, ImageSpec spec)
            throws IOException, InterruptedException {
        try {
            return builder.containerize(containerizer);
        } catch (RegistryException | CacheDirectoryCreationException | ExecutionException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IOException("image " + spec.repository() + ": build from " + spec.baseImage() + " failed: "
                    + cause.getMessage(), cause);
        }
    }

    /**
     * Copies Jib's tarball to {@code target} with index.json listing every tag, checking on the way that each blob
     * hashes to its name. Returns the manifest digest.
     */
    private String retag(Path jibTar, Path target, ImageSpec spec) throws IOException {
        Instant mtime = spec.creationTime().truncatedTo(ChronoUnit.SECONDS);
        Set<String> verified = new HashSet<>();
        byte[] index = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(jibTar));
             TarArchiveInputStream jib = new TarArchiveInputStream(in);
             OutputStream file = new BufferedOutputStream(Files.newOutputStream(target));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(file)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (TarArchiveEntry entry = jib.getNextEntry(); entry != null; entry = jib.getNextEntry()) {
                if (entry.getName().equals(INDEX_JSON)) {
                    index = jib.readAllBytes(); // written last, once every tag is in it
                    continue;
                }
                putEntry(tar, entry.getName(), entry.getSize(), mtime);
                MessageDigest sha256 = sha256();
                new DigestInputStream(jib, sha256).transferTo(tar);
                tar.closeArchiveEntry();
                if (entry.getName().startsWith(BLOB_PREFIX)) {
                    String digest = "sha256:" + HexFormat.of().formatHex(sha256.digest());
                    if (!digest.equals("sha256:" + entry.getName().substring(BLOB_PREFIX.length()))) {
                        throw new IOException(jibTar + ": blob " + entry.getName() + " hashes to " + digest);
                    }
                    verified.add(digest);
                }
            }
            if (index == null) {
                throw new IOException(jibTar + ": Jib wrote no " + INDEX_JSON);
            }
            JsonNode manifests = json.readTree(index).path("manifests");
            if (manifests.size() != 1) {
                throw new IOException(jibTar + ": expected one manifest in " + INDEX_JSON + ", found " + manifests.size());
            }
            String digest = manifests.get(0).path("digest").asText();
            if (!verified.contains(digest)) {
                throw new IOException(jibTar + ": manifest " + digest + " is not among the blobs");
            }
            byte[] retagged = json.writeValueAsBytes(retagIndex(json.readTree(index), spec));
            putEntry(tar, INDEX_JSON, retagged.length, mtime);
            tar.write(retagged);
            tar.closeArchiveEntry();
            tar.finish();
            return digest;
        }
    }

    /** Jib's index.json with its single descriptor repeated once per tag, each naming one tag. */
    private JsonNode retagIndex(JsonNode index, ImageSpec spec) {
        ObjectNode descriptor = (ObjectNode) index.path("manifests").get(0);
        ArrayNode manifests = json.createArrayNode();
        for (String tag : spec.tags()) {
            ObjectNode copy = descriptor.deepCopy();
            ObjectNode annotations = copy.has("annotations") ? (ObjectNode) copy.get("annotations") : copy.putObject("annotations");
            annotations.put(REF_NAME, spec.repository() + ":" + tag);
            manifests.add(copy);
        }
        ((ObjectNode) index).set("manifests", manifests);
        return index;
    }

    private static void putEntry(TarArchiveOutputStream tar, String name, long size, Instant mtime) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setMode(0100644);
        entry.setSize(size);
        entry.setModTime(mtime.toEpochMilli());
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("");
        entry.setGroupName("");
        tar.putArchiveEntry(entry);
    }

    private static ImageReference reference(String repository, String tag) {
        if (!ImageReference.isValidTag(tag)) {
            throw new IllegalArgumentException("image " + repository + ": not a valid tag: got " + tag);
        }
        try {
            return ImageReference.parse(repository + ":" + tag);
        } catch (InvalidImageReferenceException e) {
            throw new IllegalArgumentException("image " + repository + ": not a valid image reference: got "
                    + repository + ":" + tag, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Jib's chatter goes to debug; only its warnings and errors deserve attention. */
    private static void log(LogEvent event) {
        switch (event.getLevel()) {
            case ERROR -> LOG.error(event.getMessage());
            case WARN -> LOG.warn(event.getMessage());
            default -> LOG.debug(event.getMessage());
        }
    }
}
