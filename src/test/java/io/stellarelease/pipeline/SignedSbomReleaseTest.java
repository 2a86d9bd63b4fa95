package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.clients.LocalRegistry;
import io.stellarelease.signchecksums.MinisignTool;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A published release of the example workspace with SBOMs and a signed SHA256SUMS, through the real routes: the key is
 * made by gpg in the test, the signature is checked by gpg itself (with only the public key imported); a second
 * signature, with a key {@code minisign -G} made (encrypted), is checked by {@code minisign -V}; SBOMs are checked
 * against the CycloneDX schema, and neither key nor passphrase is in any file the release wrote.
 */
class SignedSbomReleaseTest extends PublishingTestSupport {
    static final String PASSPHRASE = "pass-Phrase-never-written-81c4";
    static final String MINISIGN_PASSWORD = "mini-Password-never-written-3b7d";

    static Path keys;
    static Path gnupg;
    static Path secretKey;
    static Path publicKey;
    static Path passphraseFile;
    static MinisignTool.Keys minisign;
    static Path minisignPasswordFile;

    @BeforeAll
    static void makeKey() throws Exception {
        LocalRegistry.requireTool("gpg", "gnupg");
        keys = Files.createTempDirectory("stella-keys-");
        gnupg = Files.createDirectory(keys.resolve("gnupg"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        gpg(gnupg, "--pinentry-mode", "loopback", "--passphrase", PASSPHRASE, "--quick-gen-key",
                "Stella Release Test <release@stella-release.invalid>", "ed25519", "sign", "never");
        secretKey = keys.resolve("release-key.asc");
        gpg(gnupg, "--pinentry-mode", "loopback", "--passphrase", PASSPHRASE, "--armor", "--output", secretKey.toString(),
                "--export-secret-keys");
        publicKey = keys.resolve("release-key.pub.asc");
        gpg(gnupg, "--armor", "--output", publicKey.toString(), "--export");
        passphraseFile = keys.resolve("passphrase");
        Files.writeString(passphraseFile, PASSPHRASE + "\n");
        assertThat(Files.readString(secretKey)).contains("BEGIN PGP PRIVATE KEY BLOCK");
        // A minisign key pair made by minisign itself, encrypted with a password.
        minisign = MinisignTool.generate(keys, "minisign", MINISIGN_PASSWORD);
        minisignPasswordFile = keys.resolve("minisign-password");
        Files.writeString(minisignPasswordFile, MINISIGN_PASSWORD + "\n");
    }

    @AfterAll
    static void stopAgents() throws Exception {
        for (Path home : List.of(gnupg, keys.resolve("verifier"))) {
            if (Files.isDirectory(home)) {
                new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "all").inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            }
        }
        Fixtures.run(keys.getParent(), "rm", "-rf", keys.toString());
    }

    @Override
    protected void configure(ObjectNode config) {
        super.configure(config);
        ObjectNode signing = config.putObject("signing");
        signing.putObject("key").put("file", secretKey.toString());
        signing.putObject("passphrase").put("file", passphraseFile.toString());
        signing.put("publicKey", publicKey.toString());
        ObjectNode mini = signing.putObject("minisign");
        mini.putObject("key").put("file", minisign.secretKey().toString());
        mini.putObject("passphrase").put("file", minisignPasswordFile.toString());
        mini.put("publicKey", minisign.publicKey().toString());
    }

    @Test
    void signsTheChecksumsAndPublishesSchemaValidSboms() throws Exception {
        ReleaseRun run = release(TAG, true);

        assertThat(run.getFailure()).isNull();
        assertThat(run.getStages()).extracting(s -> s.getName()).containsSubsequence("build-helm", "sboms", "publish-nuget",
                "release-manifest", "sign-checksums", "create-release", "verify");
        assertThat(run.stage("sboms").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        assertThat(run.stage("sign-checksums").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        assertThat(run.stage("verify").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        Path dir = out.resolve("2026.04");
        Path sums = dir.resolve("SHA256SUMS-2026.04.txt");
        Path signature = dir.resolve("SHA256SUMS-2026.04.txt.asc");

        // gpg, with nothing but the public key, says the signature is good and names the key.
        Path verifier = Files.createDirectory(keys.resolve("verifier"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        gpg(verifier, "--import", publicKey.toString());
        Result good = gpgResult(verifier, "--verify", signature.toString(), sums.toString());
        assertThat(good.code()).as(good.out()).isZero();
        assertThat(good.out()).contains("Good signature from \"Stella Release Test <release@stella-release.invalid>\"");
        assertThat(Files.readString(signature)).startsWith("-----BEGIN PGP SIGNATURE-----");

        // Signed with minisign too (its own step; steps are listed by name): minisign -V, with the public key minisign made, says it is good.
        Path minisig = dir.resolve("SHA256SUMS-2026.04.txt.minisig");
        assertThat(run.stage("sign-checksums").orElseThrow().getSteps()).extracting(s -> s.name())
                .containsExactly("minisign", "openpgp");
        MinisignTool.Result miniGood = MinisignTool.verify(sums, minisig, minisign.publicKey());
        assertThat(miniGood.code()).as(miniGood.out()).isZero();
        assertThat(miniGood.out()).contains("Signature and comment signature verified")
                .contains("file:SHA256SUMS-2026.04.txt\thashed");

        // The manifest lists every SBOM with its sha256; SHA256SUMS covers them; each is valid CycloneDX 1.6.
        JsonNode manifest = Fixtures.YAML.readTree(dir.resolve("suite-2026.04.yaml").toFile());
        assertThat(manifest.at("/sbom/format").asText()).isEqualTo("CycloneDX 1.6 JSON");
        assertThat(manifest.at("/sbom/suite/file").asText()).isEqualTo("sbom/suite-2026.04.cdx.json");
        assertThat(manifest.at("/sbom/modules")).hasSize(9);
        List<String> sbomFiles = new ArrayList<>(List.of(manifest.at("/sbom/suite/file").asText()));
        manifest.at("/sbom/modules").forEach(m -> sbomFiles.add(m.get("file").asText()));
        String sumsText = Files.readString(sums);
        for (String file : sbomFiles) {
            assertThat(new JsonParser().validate(dir.resolve(file).toFile(), Version.VERSION_16)).as(file).isEmpty();
            assertThat(sumsText).contains("  " + file + "\n");
        }
        assertThat(Fixtures.run(dir, "sha256sum", "--strict", "-c", sums.getFileName().toString())).doesNotContain("FAILED");

        // Authority's SBOM: the package with the manifest's hash, the nuspec's dependencies, the image and its layers.
        String authorityVersion = Files.readString(workspace.resolve("src/Authority/version.txt")).strip();
        JsonNode authority = JSON.readTree(dir.resolve("sbom/authority-" + authorityVersion + ".cdx.json").toFile());
        JsonNode manifestAuthority = manifest.at("/modules/0");
        assertThat(authority.at("/metadata/component/purl").asText()).isEqualTo("pkg:nuget/StellaOps.Authority@" + authorityVersion);
        assertThat(authority.at("/metadata/component/hashes")).anySatisfy(h -> {
            assertThat(h.get("alg").asText()).isEqualTo("SHA-256");
            assertThat(h.get("content").asText()).isEqualTo(manifestAuthority.at("/nuget/sha256").asText());
        });
        List<String> purls = new ArrayList<>();
        authority.get("components").forEach(c -> purls.add(c.path("purl").asText()));
        assertThat(purls).contains("pkg:nuget/Microsoft.IdentityModel.Tokens@8.14.0", "pkg:nuget/OpenIddict.Server.AspNetCore@6.4.0");
        JsonNode image = Stream.of(JSON.treeToValue(authority.get("components"), JsonNode[].class))
                .filter(c -> c.get("type").asText().equals("container")).findFirst().orElseThrow();
        String imageDigest = manifestAuthority.at("/image/digest").asText();
        assertThat(image.get("properties").toString()).contains(imageDigest);
        // The layers are those of the image the registry serves.
        JsonNode served = JSON.readTree(LocalRegistry.run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false",
                "docker://" + registry.hostPort() + "/stella-ops.org/authority:2026.04")));
        List<String> servedLayers = new ArrayList<>();
        served.get("layers").forEach(l -> servedLayers.add(l.get("digest").asText()));
        List<String> sbomLayers = new ArrayList<>();
        image.get("components").forEach(l -> sbomLayers.add(l.get("name").asText()));
        assertThat(sbomLayers).isNotEmpty().isEqualTo(servedLayers);
        // A module without PackageReferences has no dependency components.
        JsonNode signer = JSON.readTree(dir.resolve("sbom/signer-" + Files.readString(workspace.resolve("src/Signer/version.txt")).strip()
                + ".cdx.json").toFile());
        assertThat(signer.get("components")).allSatisfy(c -> assertThat(c.get("type").asText()).isEqualTo("container"));

        // The suite's SBOM: every module, image, CLI archive and the chart, with hashes.
        JsonNode suite = JSON.readTree(dir.resolve("sbom/suite-2026.04.cdx.json").toFile());
        List<String> refs = new ArrayList<>();
        suite.get("components").forEach(c -> refs.add(c.get("bom-ref").asText()));
        assertThat(refs.stream().filter(r -> r.startsWith("module:"))).hasSize(9);
        assertThat(refs.stream().filter(r -> r.startsWith("image:"))).hasSize(9);
        assertThat(refs.stream().filter(r -> r.startsWith("cli:"))).hasSize(5);
        assertThat(refs).contains("helm:stellaops", "pkg:nuget/YamlDotNet@16.3.0", "pkg:nuget/CycloneDX.Core@10.0.1");

        // Uploaded as release assets, the signature too, each once.
        var assets = gitea.assets(TAG);
        assertThat(assets.keySet()).contains("SHA256SUMS-2026.04.txt.asc", "SHA256SUMS-2026.04.txt.minisig", "suite-2026.04.cdx.json",
                "authority-" + authorityVersion + ".cdx.json");
        assertThat(assets.keySet().stream().filter(n -> n.endsWith(".cdx.json"))).hasSize(10);
        assertThat(assets.values()).allSatisfy(sizes -> assertThat(sizes).hasSize(1));
        assertThat(gitea.violations()).isEmpty();

        // Released again: the manifest's releasedAt changed, so SHA256SUMS did and it is signed anew; no asset twice.
        ReleaseRun again = release(TAG, true);
        assertThat(again.getFailure()).isNull();
        assertThat(again.stage("sign-checksums").orElseThrow().getSteps()).allSatisfy(step ->
                assertThat(step.details()).containsEntry("outcome", "signed"));
        assertThat(gpgResult(verifier, "--verify", signature.toString(), sums.toString()).code()).isZero();
        assertThat(MinisignTool.verify(sums, minisig, minisign.publicKey()).code()).isZero();
        assertThat(gitea.assets(TAG).values()).allSatisfy(sizes -> assertThat(sizes).hasSize(1));
        // The stage repeated on unchanged checksums (a resumed run) keeps the signature as it is.
        byte[] signatureBefore = Files.readAllBytes(signature);
        byte[] minisigBefore = Files.readAllBytes(minisig);
        var signing = context.getRegistry().lookupByNameAndType("checksumSigning", io.stellarelease.signchecksums.ChecksumSigning.class);
        assertThat(signing.sign(again)).hasSize(2).allSatisfy(step -> assertThat(step.details()).containsEntry("outcome", "kept"));
        assertThat(Files.readAllBytes(signature)).isEqualTo(signatureBefore);
        assertThat(Files.readAllBytes(minisig)).isEqualTo(minisigBefore);
        sumsText = Files.readString(sums);

        // verify, with the configured public key: the signature is checked.
        PublishReleaseTest.Result verified = PublishReleaseTest.verify(dir.toString(), "--config", configFile().toString());
        assertThat(verified.code()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("SHA256SUMS-2026.04.txt: OpenPGP signature by ").contains("verifies")
                .contains("SHA256SUMS-2026.04.txt: minisign signature by key "
                        + io.stellarelease.signchecksums.Minisign.publicKey(Files.readString(minisign.publicKey())).id() + " verifies")
                .contains("sbom/suite-2026.04.cdx.json: sha256 and size match the manifest");

        // Neither the secret key nor its passphrase is in any file the release wrote (logs, plan, manifest, state).
        String keyBody = secretBody(Files.readString(secretKey));
        String minisignKeyBody = Files.readString(minisign.secretKey()).lines().toList().get(1).substring(40, 100);
        try (Stream<Path> files = Stream.concat(Files.walk(out), Files.walk(tmp.resolve("state")))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertThat(text).as(file.toString()).doesNotContain(PASSPHRASE).doesNotContain(keyBody)
                        .doesNotContain(MINISIGN_PASSWORD).doesNotContain(minisignKeyBody);
            }
        }

        // A tampered SHA256SUMS: gpg says BAD, and so does verify.
        Files.writeString(sums, sumsText.replaceFirst("^[0-9a-f]", sumsText.charAt(0) == '0' ? "1" : "0"));
        Result bad = gpgResult(verifier, "--verify", signature.toString(), sums.toString());
        assertThat(bad.code()).as(bad.out()).isNotZero();
        assertThat(bad.out()).contains("BAD signature");
        PublishReleaseTest.Result tampered = PublishReleaseTest.verify(dir.toString(), "--public-key", publicKey.toString());
        assertThat(tampered.code()).isEqualTo(1);
        assertThat(tampered.err()).contains("FAIL local: SHA256SUMS-2026.04.txt.asc: BAD signature");
        MinisignTool.Result miniBad = MinisignTool.verify(sums, minisig, minisign.publicKey());
        assertThat(miniBad.code()).as(miniBad.out()).isNotZero();
        PublishReleaseTest.Result miniTampered = PublishReleaseTest.verify(dir.toString(),
                "--minisign-public-key", minisign.publicKey().toString());
        assertThat(miniTampered.code()).isEqualTo(1);
        assertThat(miniTampered.err()).contains("FAIL local: SHA256SUMS-2026.04.txt.minisig: signature verification failed");
    }

    /** A line from the middle of the armoured key: key material, not the armour's header. */
    private static String secretBody(String armoured) {
        List<String> lines = armoured.lines().filter(l -> l.length() > 40 && !l.startsWith("-----")).toList();
        return lines.get(lines.size() / 2);
    }

    record Result(int code, String out) { }

    static Result gpgResult(Path home, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--homedir", home.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + output);
        }
        return new Result(p.exitValue(), output);
    }

    static Result gpg(Path home, String... args) throws IOException, InterruptedException {
        Result r = gpgResult(home, args);
        if (r.code() != 0) {
            throw new AssertionError("gpg " + String.join(" ", args) + " exited with " + r.code() + ": " + r.out());
        }
        return r;
    }
}
