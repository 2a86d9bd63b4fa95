package io.stellarelease.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An OCI image layout tarball unpacked to a directory: the tags of index.json, and per manifest the blobs it needs.
 * Unpacked rather than read in memory so that blobs stream from disk and can be re-sent on a retry. Every blob is
 * checked against its digest on the way out of the tar.
 */
final class OciLayout implements AutoCloseable {

    static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

    /** One tag of index.json: the manifest it names and the manifest's media type. */
    record TaggedManifest(String tag, String digest, String mediaType) { }

    private final Path dir;
    private final List<TaggedManifest> tags;
    private final boolean owned;

    private OciLayout(Path dir, List<TaggedManifest> tags) {
        this(dir, tags, true);
    }

    private OciLayout(Path dir, List<TaggedManifest> tags, boolean owned) {
        this.dir = dir;
        this.tags = tags;
        this.owned = owned;
    }

    /**
     * The tags of {@code repository} in an OCI image layout directory that holds many repositories (an air-gap
     * bundle's): index.json names each manifest {@code repository:tag}. The directory is read in place and left as
     * it is on close; its blobs must have been checked by the caller.
     */
    static OciLayout open(Path layoutDir, String repository) throws IOException {
        Path index = layoutDir.resolve("index.json");
        if (!Files.isRegularFile(index)) {
            throw new IOException(layoutDir + ": no index.json, not an OCI image layout");
        }
        List<TaggedManifest> tags = new ArrayList<>();
        for (JsonNode manifest : new ObjectMapper().readTree(index.toFile()).path("manifests")) {
            String ref = manifest.path("annotations").path(REF_NAME).asText("");
            int colon = ref.lastIndexOf(':');
            if (colon > ref.lastIndexOf('/') && ref.substring(0, colon).equals(repository)) {
                tags.add(new TaggedManifest(ref.substring(colon + 1), manifest.path("digest").asText(),
                        manifest.path("mediaType").asText()));
            }
        }
        if (tags.isEmpty()) {
            throw new IOException(index + " names no tag of " + repository);
        }
        return new OciLayout(layoutDir.resolve("blobs").resolve("sha256"), List.copyOf(tags), false);
    }

    static OciLayout unpack(Path tar) throws IOException {
        Path dir = Files.createTempDirectory("stella-oci-");
        try {
            byte[] index = null;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(tar));
                 TarArchiveInputStream entries = new TarArchiveInputStream(in)) {
                for (TarArchiveEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                    String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                    if (name.equals("index.json")) {
                        index = entries.readAllBytes();
                    } else if (name.startsWith("blobs/sha256/") && entry.isFile()) {
                        String digest = "sha256:" + name.substring("blobs/sha256/".length());
                        if (!SHA256.matcher(digest).matches()) {
                            throw new IOException(tar + ": not a blob name: " + name);
                        }
                        copyChecked(entries, dir.resolve(digest.substring(7)), digest, tar);
                    }
                }
            }
            if (index == null) {
                throw new IOException(tar + ": no index.json, not an OCI image layout");
            }
            return new OciLayout(dir, readTags(index, tar));
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    private static List<TaggedManifest> readTags(byte[] index, Path tar) throws IOException {
        List<TaggedManifest> tags = new ArrayList<>();
        for (JsonNode manifest : new ObjectMapper().readTree(index).path("manifests")) {
            String ref = manifest.path("annotations").path(REF_NAME).asText("");
            if (ref.isEmpty()) {
                continue; // an untagged manifest is nothing to push under a name
            }
            // ref.name is "repository:tag" here; a bare tag is allowed too. A registry port has a ':' before a '/'.
            int colon = ref.lastIndexOf(':');
            String tag = colon > ref.lastIndexOf('/') ? ref.substring(colon + 1) : ref;
            tags.add(new TaggedManifest(tag, manifest.path("digest").asText(), manifest.path("mediaType").asText()));
        }
        if (tags.isEmpty()) {
            throw new IOException(tar + ": index.json names no tag (" + REF_NAME + ")");
        }
        return List.copyOf(tags);
    }

    List<TaggedManifest> tags() {
        return tags;
    }

    Path blob(String digest) throws IOException {
        Path file = dir.resolve(digest.startsWith("sha256:") ? digest.substring(7) : digest);
        if (!SHA256.matcher(digest).matches() || !Files.isRegularFile(file)) {
            throw new IOException("blob " + digest + " is not in the image tarball");
        }
        return file;
    }

    /** The blobs a manifest needs, config first then layers, in order and without repeats. */
    List<String> blobsOf(String manifestDigest) throws IOException {
        JsonNode manifest = new ObjectMapper().readTree(Files.readAllBytes(blob(manifestDigest)));
        if (manifest.has("manifests")) {
            throw new IOException("manifest " + manifestDigest + " is an image index; only image manifests are pushed");
        }
        Set<String> blobs = new LinkedHashSet<>();
        blobs.add(manifest.path("config").path("digest").asText());
        for (JsonNode layer : manifest.path("layers")) {
            blobs.add(layer.path("digest").asText());
        }
        for (String digest : blobs) {
            blob(digest);
        }
        return List.copyOf(blobs);
    }

    @Override
    public void close() throws IOException {
        if (owned) {
            deleteTree(dir);
        }
    }

    private static void copyChecked(InputStream in, Path target, String digest, Path tar) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        try (OutputStream out = Files.newOutputStream(target)) {
            new DigestInputStream(in, sha256).transferTo(out);
        }
        String actual = "sha256:" + HexFormat.of().formatHex(sha256.digest());
        if (!actual.equals(digest)) {
            throw new IOException(tar + ": blob " + digest + " hashes to " + actual);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
