package io.stellarelease.airgapbundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * What an air-gap bundle looks like inside, shared by the writer and the reader. Everything is under one directory
 * named like the bundle ({@code stellaops-airgap-2026.04/}): {@value #INDEX}, the OCI image layout in
 * {@value #LAYOUT}/, and the release's files at their paths in the release directory.
 */
final class BundleFormat {
    static final String SCHEMA = "stella-release/airgap/v1";
    static final String INDEX = "airgap-index.json";
    static final String LAYOUT = "oci";
    static final String BLOBS = LAYOUT + "/blobs/sha256/";
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    /** Detached signatures of a bundled file, bundled beside it when the release has them. */
    static final java.util.List<String> SIGNATURES = java.util.List.of(".asc", ".sig", ".minisig");

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BundleFormat() {
    }

    /** {@code stellaops-airgap-2026.04}: the bundle's file name without its ending, and its top directory. */
    static String baseName(String version) {
        return "stellaops-airgap-" + version;
    }

    /**
     * The repository path of an image reference inside any registry: {@code git.stella-ops.org/stella-ops.org/authority}
     * becomes {@code stella-ops.org/authority}. The first component is a registry host when it has a '.' or a ':' or is
     * {@code localhost} (docker's rule).
     */
    static String repositoryPath(String reference) {
        int slash = reference.indexOf('/');
        if (slash > 0) {
            String first = reference.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return reference.substring(slash + 1);
            }
        }
        return reference;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Copies {@code in} to {@code target} and returns the sha256 (hex) of what was copied. */
    static String copyHashing(InputStream in, Path target) throws IOException {
        MessageDigest sha = sha256();
        try (OutputStream out = Files.newOutputStream(target)) {
            new DigestInputStream(in, sha).transferTo(out);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
