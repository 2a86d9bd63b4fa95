package io.stellarelease.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stellarelease.artifacts.OciImageBuilder.ImageResult;
import io.stellarelease.artifacts.OciImageBuilder.ImageSpec;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OciImageBuilderTest {

    private static final Instant CREATED = Instant.parse("2026-04-01T00:00:00Z");
    private static final String REPOSITORY = "git.stella-ops.org/stella-ops.org/authority";
    private static final List<String> TAGS = List.of("2026.04", "edge", "latest");

    @TempDir
    Path tmp;
    Path publish;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void createPublishDir() throws IOException {
        publish = tmp.resolve("src/Authority/publish");
        Files.createDirectories(publish.resolve("runtimes/linux-x64"));
        Files.writeString(publish.resolve("StellaOps.Authority.dll"), "MZ authority");
        Files.writeString(publish.resolve("appsettings.json"), "{}");
        Files.writeString(publish.resolve("runtimes/linux-x64/createdump"), "ELF");
        Files.setPosixFilePermissions(publish.resolve("runtimes/linux-x64/createdump"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private ImageSpec spec(Path output) {
        return new ImageSpec(publish, "/app", "scratch", List.of("dotnet", "/app/StellaOps.Authority.dll"),
                Map.of("org.opencontainers.image.version", "2026.04", "org.opencontainers.image.title", "Authority"),
                Map.of("DOTNET_RUNNING_IN_CONTAINER", "true", "ASPNETCORE_URLS", "http://+:8080"),
                REPOSITORY, TAGS, output, CREATED);
    }

    @Test
    void temporaryFilesOfAKilledBuildAreRemovedByTheNextBuild() throws Exception {
        Path images = tmp.resolve("out/images");
        Files.createDirectories(images);
        // What a build killed mid-way leaves: Jib's tarball and the half-written retagged copy.
        Path jib = Files.writeString(images.resolve(".authority.oci.tar4711093.jib"), "partial jib tarball");
        Path copy = Files.writeString(images.resolve(".authority.oci.tar58213.tmp"), "partial copy");
        Path otherModule = Files.writeString(images.resolve(".signer.oci.tar123.jib"), "another module's build");

        new OciImageBuilder(tmp.resolve("cache")).build(spec(images.resolve("authority.oci.tar")));

        assertThat(jib).doesNotExist();
        assertThat(copy).doesNotExist();
        assertThat(otherModule).exists();
        try (var files = Files.list(images)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("authority.oci.tar", ".signer.oci.tar123.jib");
        }
    }

    @Test
    void digestIsTheSha256OfTheManifestBytesInTheTarball() throws Exception {
        Path output = tmp.resolve("out/images/authority.tar");
        ImageResult result = new OciImageBuilder().build(spec(output));

        Map<String, byte[]> tar = readTar(output);
        assertThat(tar).containsKeys("oci-layout", "index.json");
        JsonNode index = json.readTree(tar.get("index.json"));
        assertThat(index.path("manifests")).isNotEmpty().allSatisfy(descriptor -> {
            assertThat(descriptor.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
            assertThat(descriptor.path("digest").asText()).isEqualTo(result.digest());
        });
        byte[] manifest = blob(tar, result.digest());
        assertThat(sha256(manifest)).isEqualTo(result.digest());
        assertThat(index.path("manifests").get(0).path("size").asLong()).isEqualTo(manifest.length);
        assertThat(json.readTree(manifest).path("config").path("digest").asText()).isEqualTo(result.imageId());
        // Every blob is stored under its own digest.
        tar.forEach((name, bytes) -> {
            if (name.startsWith("blobs/sha256/")) {
                assertThat(sha256(bytes)).isEqualTo("sha256:" + name.substring("blobs/sha256/".length()));
            }
        });
        assertThat(result).isEqualTo(new ImageResult(REPOSITORY, TAGS, result.digest(), result.imageId(), Files.size(output), output));
        assertThat(result.digest()).matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void everyTagIsRecordedInIndexJson() throws Exception {
        Path output = tmp.resolve("authority.tar");
        ImageResult result = new OciImageBuilder().build(spec(output));

        List<String> refNames = new ArrayList<>();
        json.readTree(readTar(output).get("index.json")).path("manifests")
                .forEach(d -> refNames.add(d.path("annotations").path("org.opencontainers.image.ref.name").asText()));
        assertThat(refNames).containsExactly(REPOSITORY + ":2026.04", REPOSITORY + ":edge", REPOSITORY + ":latest");
        assertThat(result.tags()).isEqualTo(TAGS);
    }

    /** The README's way to look into an image archive, with the real skopeo: a three-tag archive needs the full reference. */
    @Test
    void skopeoReadsEachTagOfTheArchiveByItsFullReference() throws Exception {
        Path output = tmp.resolve("images/authority.oci.tar");
        ImageResult result = new OciImageBuilder().build(spec(output));

        for (String tag : TAGS) {
            String inspect = skopeo("inspect", "oci-archive:" + output + ":" + REPOSITORY + ":" + tag);
            assertThat(json.readTree(inspect).path("Digest").asText()).isEqualTo(result.digest());
        }
        assertThat(sha256(skopeo("inspect", "--raw", "oci-archive:" + output + ":" + REPOSITORY + ":latest")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(result.digest());
        // Without a reference skopeo refuses an archive with several (the form the README used to show).
        Process bare = new ProcessBuilder("skopeo", "inspect", "oci-archive:" + output).redirectErrorStream(true).start();
        String said = new String(bare.getInputStream().readAllBytes());
        assertThat(bare.waitFor()).isNotZero();
        assertThat(said).contains("more than one image");
    }

    private static String skopeo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new AssertionError("skopeo is needed by this test (Debian package skopeo): " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + err).isZero();
        return out;
    }

    @Test
    void layerHoldsThePublishFilesUnderAppRoot() throws Exception {
        Path output = tmp.resolve("authority.tar");
        new OciImageBuilder().build(spec(output));

        Map<String, byte[]> tar = readTar(output);
        JsonNode manifest = json.readTree(blob(tar, json.readTree(tar.get("index.json")).path("manifests").get(0).path("digest").asText()));
        assertThat(manifest.path("layers")).hasSize(1);
        JsonNode layerDescriptor = manifest.path("layers").get(0);
        assertThat(layerDescriptor.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");

        Map<String, TarArchiveEntry> layer = new LinkedHashMap<>();
        Map<String, byte[]> content = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new GzipCompressorInputStream(
                new ByteArrayInputStream(blob(tar, layerDescriptor.path("digest").asText()))))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                layer.put(e.getName(), e);
                content.put(e.getName(), in.readAllBytes());
            }
        }
        assertThat(layer.keySet()).containsExactly(
                "app/", "app/StellaOps.Authority.dll", "app/appsettings.json",
                "app/runtimes/", "app/runtimes/linux-x64/", "app/runtimes/linux-x64/createdump");
        assertThat(new String(content.get("app/StellaOps.Authority.dll"))).isEqualTo("MZ authority");
        assertThat(layer.get("app/runtimes/linux-x64/createdump").getMode() & 07777).isEqualTo(0755);
        assertThat(layer.get("app/appsettings.json").getMode() & 07777).isEqualTo(0644);
        assertThat(layer.get("app/runtimes/").getMode() & 07777).isEqualTo(0755);
        assertThat(layer.values()).allSatisfy(e -> {
            assertThat(e.getModTime().toInstant()).isEqualTo(CREATED);
            assertThat(e.getLongUserId()).isZero();
            assertThat(e.getLongGroupId()).isZero();
        });
    }

    @Test
    void configCarriesEntrypointLabelsEnvironmentAndCreationTime() throws Exception {
        Path output = tmp.resolve("authority.tar");
        ImageResult result = new OciImageBuilder().build(spec(output));

        JsonNode config = json.readTree(blob(readTar(output), result.imageId()));
        assertThat(config.path("created").asText()).isEqualTo("2026-04-01T00:00:00Z");
        assertThat(config.path("os").asText()).isEqualTo("linux");
        assertThat(config.path("config").path("Entrypoint").toString()).isEqualTo("[\"dotnet\",\"/app/StellaOps.Authority.dll\"]");
        assertThat(config.path("config").path("Labels").path("org.opencontainers.image.title").asText()).isEqualTo("Authority");
        // Jib orders Env through a HashMap: deterministic (String hashes are fixed), but not sorted.
        List<String> env = new ArrayList<>();
        config.path("config").path("Env").forEach(e -> env.add(e.asText()));
        assertThat(env).containsExactlyInAnyOrder("ASPNETCORE_URLS=http://+:8080", "DOTNET_RUNNING_IN_CONTAINER=true");
    }

    @Test
    void sameInputGivesSameDigestAndSameBytes() throws Exception {
        ImageResult first = new OciImageBuilder().build(spec(tmp.resolve("a/authority.tar")));
        // A fresh checkout has other file times; they must not show.
        Files.setLastModifiedTime(publish.resolve("appsettings.json"), FileTime.from(Instant.parse("2011-11-11T11:11:11Z")));
        ImageResult second = new OciImageBuilder().build(spec(tmp.resolve("b/authority.tar")));

        assertThat(second.digest()).isEqualTo(first.digest());
        assertThat(second.imageId()).isEqualTo(first.imageId());
        assertThat(Files.readAllBytes(second.path())).isEqualTo(Files.readAllBytes(first.path()));
    }

    @Test
    void changedFileGivesDifferentDigest() throws Exception {
        ImageResult first = new OciImageBuilder().build(spec(tmp.resolve("a/authority.tar")));
        Files.writeString(publish.resolve("appsettings.json"), "{\"changed\":true}");
        ImageResult second = new OciImageBuilder().build(spec(tmp.resolve("b/authority.tar")));

        assertThat(second.digest()).isNotEqualTo(first.digest());
    }

    @Test
    void cachesStayBesideTheOutputAndNoTemporaryFileRemains() throws Exception {
        Path out = tmp.resolve("out");
        new OciImageBuilder().build(spec(out.resolve("authority.tar")));
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("authority.tar", ".jib-cache");
        }

        Path cache = tmp.resolve("cache");
        new OciImageBuilder(cache).build(spec(tmp.resolve("out2/authority.tar")));
        assertThat(cache.resolve("application")).isDirectory();
        try (var files = Files.list(tmp.resolve("out2"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("authority.tar");
        }
    }

    @Test
    void invalidSpecsAreRejectedBeforeBuilding() {
        assertThatThrownBy(() -> new ImageSpec(publish, "/app", "scratch", List.of(), Map.of(), Map.of(),
                REPOSITORY, List.of("2026.04", "not a tag"), tmp.resolve("x.tar"), CREATED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid tag: got not a tag");
        assertThatThrownBy(() -> new ImageSpec(publish, "/app", "scratch", List.of(), Map.of(), Map.of(),
                REPOSITORY + ":2026.04", TAGS, tmp.resolve("x.tar"), CREATED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not carry a tag");
        assertThatThrownBy(() -> new ImageSpec(publish, "/app", "scratch", List.of(), Map.of(), Map.of(),
                REPOSITORY, List.of(), tmp.resolve("x.tar"), CREATED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one tag");
        assertThatThrownBy(() -> new ImageSpec(publish, "app", "scratch", List.of(), Map.of(), Map.of(),
                REPOSITORY, TAGS, tmp.resolve("x.tar"), CREATED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageSpec(publish, "/app", "scratch", List.of(), Map.of(), Map.of(),
                "git.stella-ops.org/Stella/Authority", TAGS, tmp.resolve("x.tar"), CREATED))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid image reference");
    }

    @Test
    void emptyPublishDirectoryIsRejected() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        ImageSpec spec = new ImageSpec(empty, "/app", "scratch", List.of(), null, null, REPOSITORY, TAGS,
                tmp.resolve("out/x.tar"), CREATED);
        assertThatThrownBy(() -> new OciImageBuilder().build(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(empty + ": nothing to archive, the directory holds no files");
        try (var files = Files.list(tmp.resolve("out"))) {
            assertThat(files).isEmpty();
        }
    }

    private static Map<String, byte[]> readTar(Path tar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
                entries.put(e.getName(), t.readAllBytes());
            }
        }
        return entries;
    }

    private static byte[] blob(Map<String, byte[]> tar, String digest) {
        byte[] blob = tar.get("blobs/sha256/" + digest.substring("sha256:".length()));
        assertThat(blob).as("blob " + digest).isNotNull();
        return blob;
    }

    private static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
