package io.stellarelease.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stellarelease.signchecksums.Minisign;
import io.stellarelease.signchecksums.OpenPgp;
import io.stellarelease.releasemanifest.Checksums;
import io.stellarelease.util.Files2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A release directory checked on disk: every line of SHA256SUMS matches its file, and every artifact the manifest
 * names exists with the manifest's sha256 and size and is listed in SHA256SUMS (the manifest too).
 */
public final class LocalVerification {

    private static final Pattern SUM_LINE = Pattern.compile("([0-9a-f]{64})  (\\S.*)");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A release read from disk: its directory and its manifest. */
    public record Release(Path dir, Path manifestFile, JsonNode manifest) {
        public String version() {
            return manifest.at("/suite/version").asText();
        }

        public String tag() {
            return manifest.at("/suite/tag").asText();
        }
    }

    private LocalVerification() {
    }

    /** The release at {@code path}: a manifest file, or a directory holding exactly one {@code suite-*.yaml}. */
    public static Release open(Path path) throws IOException {
        Path manifest = path;
        if (Files.isDirectory(path)) {
            try (Stream<Path> files = Files.list(path)) {
                List<Path> found = files.filter(f -> f.getFileName().toString().matches("suite-.+\\.yaml")).toList();
                if (found.size() != 1) {
                    throw new IOException(path + ": expected one release manifest suite-<version>.yaml, found " + found.size());
                }
                manifest = found.get(0);
            }
        }
        if (!Files.isRegularFile(manifest)) {
            throw new IOException(path + ": no such release directory or manifest");
        }
        JsonNode node = YAML.readTree(manifest.toFile());
        if (node == null || !node.at("/suite/version").isTextual()) {
            throw new IOException(manifest + ": not a release manifest (no suite.version)");
        }
        return new Release(manifest.toAbsolutePath().getParent(), manifest, node);
    }

    public static VerifyReport check(Release release) throws IOException {
        VerifyReport report = new VerifyReport();
        Path dir = release.dir();
        String sumsName = Checksums.fileName(release.version());
        Path sumsFile = dir.resolve(sumsName);
        Map<String, String> sums = new LinkedHashMap<>();
        if (!Files.isRegularFile(sumsFile)) {
            report.problem(sumsName + ": missing");
        } else {
            int n = 0;
            for (String line : Files.readAllLines(sumsFile)) {
                n++;
                Matcher m = SUM_LINE.matcher(line);
                if (!m.matches()) {
                    report.problem(sumsName + " line " + n + ": not '<sha256>  <path>'");
                    continue;
                }
                String file = m.group(2);
                sums.put(file, m.group(1));
                Path target = inside(dir, file);
                if (target == null) {
                    report.problem(sumsName + " line " + n + ": " + file + " is outside the release directory");
                } else if (!Files.isRegularFile(target)) {
                    report.problem(file + ": listed in " + sumsName + " but missing");
                } else {
                    String actual = Files2.sha256(target);
                    report.expect(actual.equals(m.group(1)), file + ": sha256 matches " + sumsName,
                            file + ": sha256 is " + actual + ", " + sumsName + " says " + m.group(1));
                }
            }
        }
        String manifestName = release.manifestFile().getFileName().toString();
        report.expect(sums.containsKey(manifestName), manifestName + ": listed in " + sumsName,
                manifestName + ": not listed in " + sumsName);
        for (JsonNode artifact : artifacts(release.manifest())) {
            String file = artifact.path("file").asText();
            Path target = inside(dir, file);
            if (target == null || !Files.isRegularFile(target)) {
                report.problem(file + ": named by the manifest but missing");
                continue;
            }
            String actual = Files2.sha256(target);
            long size = Files.size(target);
            report.expect(actual.equals(artifact.path("sha256").asText()) && size == artifact.path("size").asLong(),
                    file + ": sha256 and size match the manifest", file + ": sha256 " + actual + " size " + size
                            + ", the manifest says " + artifact.path("sha256").asText() + " size " + artifact.path("size").asLong());
            report.expect(actual.equals(sums.get(file)), file + ": listed in " + sumsName + " with its sha256",
                    file + (sums.containsKey(file) ? ": listed in " + sumsName + " with another sha256" : ": not listed in " + sumsName));
        }
        return report;
    }

    /**
     * A release checked on disk as {@link #check(Release)} does, and, when {@code publicKey} (an armoured OpenPGP
     * public key file, {@code signing.publicKey}) is given, the signature of SHA256SUMS against it.
     */
    public static VerifyReport check(Release release, Path publicKey) throws IOException {
        return check(release, publicKey, null);
    }

    /**
     * As {@link #check(Release, Path)}, and, when {@code minisignPublicKey} (a minisign public key file,
     * {@code signing.minisign.publicKey}) is given, the minisign signature of SHA256SUMS ({@code .minisig}) against it.
     */
    public static VerifyReport check(Release release, Path publicKey, Path minisignPublicKey) throws IOException {
        VerifyReport report = check(release);
        if (publicKey != null) {
            checkSignature(release, publicKey, report);
        }
        if (minisignPublicKey != null) {
            checkMinisign(release, minisignPublicKey, report);
        }
        return report;
    }

    private static void checkMinisign(Release release, Path publicKey, VerifyReport report) throws IOException {
        String sumsName = Checksums.fileName(release.version());
        Path sums = release.dir().resolve(sumsName);
        Path signature = release.dir().resolve(sumsName + ".minisig");
        if (!Files.isRegularFile(publicKey)) {
            report.problem("signing.minisign.publicKey: " + publicKey + " not found");
            return;
        }
        Minisign.PublicKey key;
        try {
            key = Minisign.publicKey(Files.readString(publicKey));
        } catch (IllegalStateException e) {
            report.problem("signing.minisign.publicKey: " + publicKey + ": " + e.getMessage());
            return;
        }
        if (!Files.isRegularFile(signature)) {
            report.problem(signature.getFileName() + ": missing (a minisign public key is configured, so the checksums must be signed)");
            return;
        }
        if (!Files.isRegularFile(sums)) {
            return; // already reported by check()
        }
        Minisign.Verdict verdict = Minisign.verify(Files.readAllBytes(sums), Files.readString(signature), key);
        if (verdict.valid() && !verdict.trustedComment().contains("file:" + sumsName)) {
            verdict = new Minisign.Verdict(false, verdict.keyId(), verdict.trustedComment(),
                    "the trusted comment names another file: " + verdict.trustedComment());
        }
        report.expect(verdict.valid(), sumsName + ": minisign signature by key " + key.id() + " verifies",
                signature.getFileName() + ": " + verdict.problem());
    }

    private static void checkSignature(Release release, Path publicKey, VerifyReport report) throws IOException {
        String sumsName = Checksums.fileName(release.version());
        Path sums = release.dir().resolve(sumsName);
        Path signature = release.dir().resolve(sumsName + ".asc");
        if (!Files.isRegularFile(publicKey)) {
            report.problem("signing.publicKey: " + publicKey + " not found");
            return;
        }
        if (!Files.isRegularFile(signature)) {
            report.problem(signature.getFileName() + ": missing (a public key is configured, so the checksums must be signed)");
            return;
        }
        if (!Files.isRegularFile(sums)) {
            return; // already reported by check()
        }
        OpenPgp.Verdict verdict = OpenPgp.verify(Files.readAllBytes(sums), Files.readAllBytes(signature),
                Files.readAllBytes(publicKey));
        report.expect(verdict.valid(), sumsName + ": OpenPGP signature by " + verdict.fingerprint() + " verifies",
                signature.getFileName() + ": " + verdict.problem());
    }

    /** The SBOMs the manifest lists ({@code sbom.suite}, {@code sbom.modules[]}), each {file, sha256, size}. */
    public static List<JsonNode> sboms(JsonNode manifest) {
        List<JsonNode> list = new java.util.ArrayList<>();
        if (manifest.at("/sbom/suite/file").isTextual()) {
            list.add(manifest.at("/sbom/suite"));
        }
        manifest.at("/sbom/modules").forEach(m -> {
            if (m.path("file").isTextual()) {
                list.add(m);
            }
        });
        return list;
    }

    /** Every {file, sha256, size} the manifest names: packages, images, CLI archives, the chart, the SBOMs. */
    static List<JsonNode> artifacts(JsonNode manifest) {
        List<JsonNode> list = new java.util.ArrayList<>();
        for (JsonNode module : manifest.path("modules")) {
            if (module.at("/nuget/file").isTextual()) {
                list.add(module.get("nuget"));
            }
            if (module.at("/image/file").isTextual()) {
                list.add(module.get("image"));
            }
        }
        manifest.path("cli").forEach(list::add);
        if (manifest.at("/helm/file").isTextual()) {
            list.add(manifest.get("helm"));
        }
        list.addAll(sboms(manifest));
        return list;
    }

    /** {@code file} resolved in {@code dir}, or null when it would leave it. */
    private static Path inside(Path dir, String file) {
        Path target = dir.resolve(file).normalize();
        return target.startsWith(dir.normalize()) ? target : null;
    }
}
