package io.stellarelease.clients;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A packaged Helm chart as an OCI artifact, in Helm's own media types (what {@code helm push} sends): the chart
 * metadata as config, the .tgz as the one layer, tagged with the chart version. Written as an OCI image layout tar
 * so that {@link OciPusher} pushes it like an image (blobs the registry has are skipped).
 */
public final class HelmOciArtifact {

    public static final String CONFIG_MEDIA_TYPE = "application/vnd.cncf.helm.config.v1+json";
    public static final String CHART_MEDIA_TYPE = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
    private static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";

    private HelmOciArtifact() {
    }

    /** Writes {@code target}: the layout of the chart {@code name} {@code version} (tag = version). Returns the manifest digest. */
    public static String write(Path chartTgz, String name, String version, String appVersion, Path target) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", name);
        meta.put("version", version);
        if (appVersion != null) {
            meta.put("appVersion", appVersion);
        }
        meta.put("apiVersion", "v2");
        byte[] config = json.writeValueAsBytes(meta);
        byte[] chart = Files.readAllBytes(chartTgz);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_MEDIA_TYPE);
        manifest.put("config", descriptor(CONFIG_MEDIA_TYPE, config, null));
        manifest.put("layers", List.of(descriptor(CHART_MEDIA_TYPE, chart, null)));
        byte[] manifestBytes = json.writeValueAsBytes(manifest);
        String digest = OciPusher.sha256(manifestBytes);
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("manifests", List.of(descriptor(MANIFEST_MEDIA_TYPE, manifestBytes, Map.of(OciLayout.REF_NAME, version))));
        try (OutputStream out = Files.newOutputStream(target); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            entry(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
            entry(tar, "index.json", json.writeValueAsBytes(index));
            for (byte[] blob : List.of(config, chart, manifestBytes)) {
                entry(tar, "blobs/sha256/" + OciPusher.sha256(blob).substring(7), blob);
            }
        }
        return digest;
    }

    private static Map<String, Object> descriptor(String mediaType, byte[] content, Map<String, String> annotations) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", OciPusher.sha256(content));
        d.put("size", content.length);
        if (annotations != null) {
            d.put("annotations", annotations);
        }
        return d;
    }

    private static void entry(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
