package io.stellarelease.sboms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The image manifest(s) of an OCI image layout tarball and their layers, read without unpacking the layers. */
final class OciImageLayers {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Manifests and configs are small JSON; layers are not read into memory. */
    private static final long SMALL_BLOB = 1 << 20;

    record Layer(String digest, String mediaType, long size) { }

    record Image(String manifestDigest, String configDigest, List<Layer> layers) { }

    private OciImageLayers() {
    }

    static List<Image> read(Path tar) throws IOException {
        byte[] index = null;
        Map<String, byte[]> small = new HashMap<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar));
             TarArchiveInputStream entries = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                String name = entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                if (name.equals("index.json")) {
                    index = entries.readAllBytes();
                } else if (name.startsWith("blobs/sha256/") && entry.isFile() && entry.getSize() <= SMALL_BLOB) {
                    small.put("sha256:" + name.substring("blobs/sha256/".length()), entries.readAllBytes());
                }
            }
        }
        if (index == null) {
            throw new IOException(tar.getFileName() + ": no index.json, not an OCI image layout");
        }
        Set<String> manifests = new LinkedHashSet<>();
        JSON.readTree(index).path("manifests").forEach(m -> manifests.add(m.path("digest").asText()));
        List<Image> images = new ArrayList<>();
        for (String digest : manifests) {
            byte[] bytes = small.get(digest);
            if (bytes == null) {
                throw new IOException(tar.getFileName() + ": manifest " + digest + " is not in the layout");
            }
            JsonNode manifest = JSON.readTree(bytes);
            List<Layer> layers = new ArrayList<>();
            manifest.path("layers").forEach(l -> layers.add(new Layer(l.path("digest").asText(), l.path("mediaType").asText(),
                    l.path("size").asLong())));
            images.add(new Image(digest, manifest.path("config").path("digest").asText(null), layers));
        }
        return images;
    }
}
