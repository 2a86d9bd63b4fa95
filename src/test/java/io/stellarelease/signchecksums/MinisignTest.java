package io.stellarelease.signchecksums;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * minisign signatures made by {@link Minisign} with keys Debian's {@code minisign -G} made (encrypted, and {@code -W}
 * unencrypted), checked by {@code minisign -V} itself; and minisign's own signatures checked by {@link Minisign#verify}.
 */
class MinisignTest {
    static final String PASSWORD = "mini-Password-never-written-5e1a";

    static Path dir;
    static MinisignTool.Keys encrypted;
    static MinisignTool.Keys unencrypted;
    static Path sums;

    @BeforeAll
    static void keys() throws Exception {
        dir = Files.createTempDirectory("stella-minisign-");
        encrypted = MinisignTool.generate(dir, "encrypted", PASSWORD);
        unencrypted = MinisignTool.generate(dir, "unencrypted", null);
        sums = dir.resolve("SHA256SUMS-2026.04.txt");
        Files.writeString(sums, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  suite-2026.04.yaml\n");
    }

    @AfterAll
    static void clean() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void anEncryptedKeySignsWhatMinisignVerifies() throws Exception {
        Minisign.SecretKey key = Minisign.secretKey(Files.readString(encrypted.secretKey()), PASSWORD.getBytes(StandardCharsets.UTF_8));
        signAndCheck(key, encrypted.publicKey(), "encrypted");
    }

    @Test
    void anUnencryptedKeySignsWhatMinisignVerifies() throws Exception {
        Minisign.SecretKey key = Minisign.secretKey(Files.readString(unencrypted.secretKey()), null);
        signAndCheck(key, unencrypted.publicKey(), "unencrypted");
    }

    private static void signAndCheck(Minisign.SecretKey key, Path publicKeyFile, String name) throws Exception {
        Minisign.PublicKey publicKey = Minisign.publicKey(Files.readString(publicKeyFile));
        assertThat(key.publicKey().id()).isEqualTo(publicKey.id());
        // The public key file minisign wrote names the same key id as ours.
        assertThat(Files.readString(publicKeyFile)).startsWith("untrusted comment: minisign public key " + publicKey.id());
        assertThat(key.publicKey().toFileText()).isEqualTo(Files.readString(publicKeyFile));

        Path signature = dir.resolve(name + ".minisig");
        String text = Minisign.sign(Files.readAllBytes(sums), key, "signature from stella-release",
                Minisign.trustedComment(1775000000L, sums.getFileName().toString()));
        Files.writeString(signature, text);
        MinisignTool.Result good = MinisignTool.verify(sums, signature, publicKeyFile);
        assertThat(good.code()).as(good.out()).isZero();
        assertThat(good.out()).contains("Signature and comment signature verified")
                .contains("Trusted comment: timestamp:1775000000\tfile:SHA256SUMS-2026.04.txt\thashed");
        assertThat(Minisign.verify(Files.readAllBytes(sums), text, publicKey).valid()).isTrue();

        // A tampered file: minisign and we both refuse it.
        Path tampered = dir.resolve(name + "-tampered.txt");
        Files.writeString(tampered, Files.readString(sums).replace("0123", "1123"));
        MinisignTool.Result bad = MinisignTool.verify(tampered, signature, publicKeyFile);
        assertThat(bad.code()).as(bad.out()).isNotZero();
        assertThat(bad.out()).contains("Signature verification failed");
        Minisign.Verdict refused = Minisign.verify(Files.readAllBytes(tampered), text, publicKey);
        assertThat(refused.valid()).isFalse();
        assertThat(refused.problem()).contains("signature verification failed");

        // A changed trusted comment: the global signature no longer matches, for minisign and for us.
        String forged = text.replace("timestamp:1775000000", "timestamp:1775000001");
        Path forgedFile = dir.resolve(name + "-forged.minisig");
        Files.writeString(forgedFile, forged);
        assertThat(MinisignTool.verify(sums, forgedFile, publicKeyFile).code()).isNotZero();
        assertThat(Minisign.verify(Files.readAllBytes(sums), forged, publicKey).problem()).contains("comment signature");
    }

    @Test
    void aKeyIdStartingWithZeroIsPrintedAsMinisignPrintsIt() {
        // A public key file Debian's minisign -G wrote (CI, 2026-12-01): minisign prints the id with "%" PRIX64,
        // without the leading zero of 0321DB0375764AE0, and our copy of the file must be the same text.
        String written = "untrusted comment: minisign public key 321DB0375764AE0\n"
                + "RWTgSnZ1A9shAzTJbDyj8RRyYFtBokbHwt8w8FWC8Vn2Tn/paUypH5BC\n";
        Minisign.PublicKey key = Minisign.publicKey(written);
        assertThat(key.id()).isEqualTo("321DB0375764AE0");
        assertThat(key.toFileText()).isEqualTo(written);
    }

    @Test
    void signaturesMinisignMadeVerifyHereAndOtherKeysAreNamed() throws Exception {
        Path signature = dir.resolve("by-minisign.minisig");
        MinisignTool.Result signed = MinisignTool.sign(sums, signature, encrypted.secretKey(), PASSWORD);
        assertThat(signed.code()).as(signed.out()).isZero();
        Minisign.PublicKey right = Minisign.publicKey(Files.readString(encrypted.publicKey()));
        Minisign.Verdict verdict = Minisign.verify(Files.readAllBytes(sums), Files.readString(signature), right);
        assertThat(verdict.valid()).as(verdict.problem()).isTrue();
        assertThat(verdict.trustedComment()).contains("file:SHA256SUMS-2026.04.txt");

        Minisign.PublicKey wrong = Minisign.publicKey(Files.readString(unencrypted.publicKey()));
        Minisign.Verdict other = Minisign.verify(Files.readAllBytes(sums), Files.readString(signature), wrong);
        assertThat(other.valid()).isFalse();
        assertThat(other.problem()).isEqualTo("made by key " + right.id() + ", which is not the configured public key " + wrong.id());
    }

    @Test
    void aWrongOrMissingPasswordIsSaidWithoutThePassword() throws Exception {
        String key = Files.readString(encrypted.secretKey());
        assertThatThrownBy(() -> Minisign.secretKey(key, "not-the-password".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("the minisign secret key could not be decrypted (wrong password?)");
        assertThatThrownBy(() -> Minisign.secretKey(key, null))
                .hasMessage("the minisign secret key is encrypted and no password is configured");
        assertThatThrownBy(() -> Minisign.secretKey(Files.readString(encrypted.publicKey()), null))
                .hasMessageStartingWith("not a minisign secret key");
        // The key's base64 line alone (as an environment variable may hold it) is a key too.
        String line = Files.readString(unencrypted.secretKey()).lines().filter(l -> !l.startsWith("untrusted comment:"))
                .findFirst().orElseThrow();
        assertThat(Minisign.secretKey(line, null).publicKey().id())
                .isEqualTo(Minisign.publicKey(Files.readString(unencrypted.publicKey())).id());
    }
}
