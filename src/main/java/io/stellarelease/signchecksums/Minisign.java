package io.stellarelease.signchecksums;

import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * minisign signatures (the format of jedisct1/minisign, which {@code minisign -V} checks) made and checked with Bouncy
 * Castle's lightweight API: Ed25519 over the BLAKE2b-512 hash of the file (the pre-hashed {@code ED} algorithm,
 * minisign's default; the legacy {@code Ed} is accepted when verifying), and a global signature over the signature and
 * the trusted comment. Secret keys are minisign's own files: encrypted ({@code minisign -G}: scrypt, then xor, then a
 * BLAKE2b-256 checksum) or not ({@code minisign -G -W}). Keys and passwords are held in memory only; no message here
 * contains key material or a password.
 */
public final class Minisign {

    private static final byte[] ED_LEGACY = {'E', 'd'};
    private static final byte[] ED_HASHED = {'E', 'D'};
    private static final byte[] KDF_SCRYPT = {'S', 'c'};
    private static final byte[] KDF_NONE = {0, 0};
    private static final byte[] CHK_BLAKE2B = {'B', '2'};
    private static final String UNTRUSTED = "untrusted comment: ";
    private static final String TRUSTED = "trusted comment: ";
    private static final int KEYNUM_SK = 8 + 64 + 32;
    private static final int SECRET_KEY_BYTES = 2 + 2 + 2 + 32 + 8 + 8 + KEYNUM_SK;

    private Minisign() {
    }

    /** An unlocked secret key: its 8-byte key id, the Ed25519 private key and the public key it belongs to. */
    public record SecretKey(byte[] keyId, Ed25519PrivateKeyParameters privateKey, PublicKey publicKey) {
        @Override
        public String toString() {
            return "minisign secret key " + publicKey.id();
        }
    }

    /** A public key: its key id and Ed25519 public key. */
    public record PublicKey(byte[] keyId, Ed25519PublicKeyParameters key) {
        /** The key id as minisign prints it (a little-endian 64-bit number in upper-case hex). */
        public String id() {
            return idHex(keyId);
        }

        /** The public key file {@code minisign -G} writes (comment line, base64 line). */
        public String toFileText() {
            byte[] raw = new byte[42];
            System.arraycopy(ED_LEGACY, 0, raw, 0, 2);
            System.arraycopy(keyId, 0, raw, 2, 8);
            key.encode(raw, 10);
            return UNTRUSTED + "minisign public key " + id() + "\n" + Base64.getEncoder().encodeToString(raw) + "\n";
        }
    }

    /** The result of checking a signature: the key id and trusted comment, or why it does not verify. */
    public record Verdict(boolean valid, String keyId, String trustedComment, String problem) { }

    /**
     * A secret key from the text of a minisign secret key file (the comment line may be left out), decrypted with
     * {@code password} when it is encrypted. An unencrypted key ({@code minisign -G -W}) ignores the password.
     */
    public static SecretKey secretKey(String fileText, byte[] password) {
        byte[] raw = decodeKeyLine(fileText, SECRET_KEY_BYTES, "secret key");
        byte[] sigAlg = Arrays.copyOfRange(raw, 0, 2);
        byte[] kdfAlg = Arrays.copyOfRange(raw, 2, 4);
        byte[] chkAlg = Arrays.copyOfRange(raw, 4, 6);
        byte[] salt = Arrays.copyOfRange(raw, 6, 38);
        ByteBuffer limits = ByteBuffer.wrap(raw, 38, 16).order(ByteOrder.LITTLE_ENDIAN);
        long opsLimit = limits.getLong();
        long memLimit = limits.getLong();
        byte[] keynumSk = Arrays.copyOfRange(raw, 54, 54 + KEYNUM_SK);
        try {
            if (!Arrays.equals(sigAlg, ED_LEGACY) || !Arrays.equals(chkAlg, CHK_BLAKE2B)) {
                throw new IllegalStateException("not a minisign Ed25519 secret key (unsupported algorithm)");
            }
            if (Arrays.equals(kdfAlg, KDF_SCRYPT)) {
                if (password == null || password.length == 0) {
                    throw new IllegalStateException("the minisign secret key is encrypted and no password is configured");
                }
                byte[] stream = scrypt(password, salt, opsLimit, memLimit, KEYNUM_SK);
                for (int i = 0; i < KEYNUM_SK; i++) {
                    keynumSk[i] ^= stream[i];
                }
                Arrays.fill(stream, (byte) 0);
            } else if (!Arrays.equals(kdfAlg, KDF_NONE)) {
                throw new IllegalStateException("not a minisign secret key (unsupported key derivation)");
            }
            byte[] keyId = Arrays.copyOfRange(keynumSk, 0, 8);
            Blake2bDigest blake = new Blake2bDigest(256);
            blake.update(sigAlg, 0, 2);
            blake.update(keynumSk, 0, 8 + 64);
            byte[] chk = new byte[32];
            blake.doFinal(chk, 0);
            byte[] stored = Arrays.copyOfRange(keynumSk, 72, 104);
            // minisign 0.11 writes an unencrypted key (-W) with a zero checksum; the public half is checked below.
            boolean unencryptedWithoutChecksum = Arrays.equals(kdfAlg, KDF_NONE) && Arrays.equals(stored, new byte[32]);
            if (!unencryptedWithoutChecksum && !MessageDigest.isEqual(chk, stored)) {
                throw new IllegalStateException("the minisign secret key could not be decrypted (wrong password?)");
            }
            Ed25519PrivateKeyParameters privateKey = new Ed25519PrivateKeyParameters(keynumSk, 8);
            Ed25519PublicKeyParameters publicKey = privateKey.generatePublicKey();
            if (!Arrays.equals(publicKey.getEncoded(), Arrays.copyOfRange(keynumSk, 40, 72))) {
                throw new IllegalStateException("the minisign secret key is inconsistent (its public half does not match)");
            }
            return new SecretKey(keyId, privateKey, new PublicKey(keyId, publicKey));
        } finally {
            Arrays.fill(keynumSk, (byte) 0);
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** A public key from the text of a minisign public key file, or the base64 line alone (as {@code minisign -P} takes it). */
    public static PublicKey publicKey(String fileText) {
        byte[] raw = decodeKeyLine(fileText, 42, "public key");
        if (!Arrays.equals(Arrays.copyOfRange(raw, 0, 2), ED_LEGACY)) {
            throw new IllegalStateException("not a minisign Ed25519 public key (unsupported algorithm)");
        }
        return new PublicKey(Arrays.copyOfRange(raw, 2, 10), new Ed25519PublicKeyParameters(raw, 10));
    }

    /**
     * The {@code .minisig} text for {@code data}: pre-hashed ({@code ED}), with {@code trustedComment} signed too.
     * minisign's own trusted comment is {@link #trustedComment}.
     */
    public static String sign(byte[] data, SecretKey key, String untrustedComment, String trustedComment) {
        if (trustedComment.contains("\n") || trustedComment.contains("\r") || untrustedComment.contains("\n")
                || untrustedComment.contains("\r")) {
            throw new IllegalArgumentException("a minisign comment is one line");
        }
        byte[] signature = ed25519(key.privateKey(), blake2b512(data));
        byte[] sigLine = new byte[2 + 8 + 64];
        System.arraycopy(ED_HASHED, 0, sigLine, 0, 2);
        System.arraycopy(key.keyId(), 0, sigLine, 2, 8);
        System.arraycopy(signature, 0, sigLine, 10, 64);
        byte[] global = ed25519(key.privateKey(), concat(signature, trustedComment.getBytes(StandardCharsets.UTF_8)));
        Base64.Encoder b64 = Base64.getEncoder();
        return UNTRUSTED + untrustedComment + "\n" + b64.encodeToString(sigLine) + "\n"
                + TRUSTED + trustedComment + "\n" + b64.encodeToString(global) + "\n";
    }

    /** minisign's trusted comment: {@code timestamp:<unix seconds>\tfile:<name>\thashed}. */
    public static String trustedComment(long epochSeconds, String fileName) {
        return "timestamp:" + epochSeconds + "\tfile:" + fileName + "\thashed";
    }

    /** Checks {@code .minisig} text against {@code data} and {@code key}: the file's signature and the trusted comment's. */
    public static Verdict verify(byte[] data, String signatureText, PublicKey key) {
        List<String> lines = signatureText.lines().toList();
        if (lines.size() < 4 || !lines.get(0).startsWith(UNTRUSTED) || !lines.get(2).startsWith(TRUSTED)) {
            return new Verdict(false, null, null, "not a minisign signature (untrusted comment, signature, trusted comment, "
                    + "global signature expected)");
        }
        byte[] sigLine;
        byte[] global;
        try {
            sigLine = Base64.getDecoder().decode(lines.get(1).strip());
            global = Base64.getDecoder().decode(lines.get(3).strip());
        } catch (IllegalArgumentException e) {
            return new Verdict(false, null, null, "not a minisign signature (bad base64)");
        }
        if (sigLine.length != 74 || global.length != 64) {
            return new Verdict(false, null, null, "not a minisign signature (wrong length)");
        }
        byte[] alg = Arrays.copyOfRange(sigLine, 0, 2);
        byte[] keyId = Arrays.copyOfRange(sigLine, 2, 10);
        byte[] signature = Arrays.copyOfRange(sigLine, 10, 74);
        String trusted = lines.get(2).substring(TRUSTED.length());
        String id = idHex(keyId);
        if (!Arrays.equals(keyId, key.keyId())) {
            return new Verdict(false, id, trusted, "made by key " + id + ", which is not the configured public key " + key.id());
        }
        byte[] message;
        if (Arrays.equals(alg, ED_HASHED)) {
            message = blake2b512(data);
        } else if (Arrays.equals(alg, ED_LEGACY)) {
            message = data;
        } else {
            return new Verdict(false, id, trusted, "unsupported signature algorithm");
        }
        if (!ed25519Verify(key.key(), message, signature)) {
            return new Verdict(false, id, trusted, "signature verification failed: the file is not what key " + id + " signed");
        }
        if (!ed25519Verify(key.key(), concat(signature, trusted.getBytes(StandardCharsets.UTF_8)), global)) {
            return new Verdict(false, id, trusted, "comment signature verification failed: the trusted comment was changed");
        }
        return new Verdict(true, id, trusted, null);
    }

    /** The base64 line of a key file (the first line that is neither empty nor a comment), checked for its length. */
    private static byte[] decodeKeyLine(String fileText, int length, String what) {
        String line = fileText == null ? null : fileText.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith(UNTRUSTED.strip())).findFirst().orElse(null);
        byte[] raw;
        try {
            raw = line == null ? new byte[0] : Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("not a minisign " + what + " (bad base64)");
        }
        if (raw.length != length) {
            throw new IllegalStateException("not a minisign " + what + " (" + raw.length + " bytes, " + length + " expected)");
        }
        return raw;
    }

    /**
     * libsodium's crypto_pwhash_scryptsalsa208sha256 (what minisign uses): N, r and p picked from opslimit and
     * memlimit as libsodium's pickparams does, then scrypt.
     */
    static byte[] scrypt(byte[] password, byte[] salt, long opsLimit, long memLimit, int length) {
        long ops = Math.max(opsLimit, 32768L);
        int r = 8;
        int p;
        int nLog2;
        if (Long.compareUnsigned(ops, Long.divideUnsigned(memLimit, 32)) < 0) {
            p = 1;
            long maxN = ops / (r * 4L);
            nLog2 = pickNLog2(maxN);
        } else {
            long maxN = Long.divideUnsigned(memLimit, r * 128L);
            nLog2 = pickNLog2(maxN);
            long maxRp = (ops / 4) / (1L << nLog2);
            p = (int) (Math.min(maxRp, 0x3fffffffL) / r);
        }
        if (p < 1 || nLog2 > 24) {
            throw new IllegalStateException("the minisign secret key's scrypt parameters are out of range");
        }
        long needed = 128L * r * (1L << nLog2);
        if (needed > Runtime.getRuntime().maxMemory() / 10 * 9) {
            throw new IllegalStateException("decrypting the minisign secret key needs " + (needed >> 20)
                    + " MiB of memory for scrypt; give Java more heap (JAVA_OPTS=-Xmx...)");
        }
        return SCrypt.generate(password, salt, 1 << nLog2, r, p, length);
    }

    private static int pickNLog2(long maxN) {
        int nLog2 = 1;
        while (nLog2 < 63 && (1L << nLog2) <= maxN / 2) {
            nLog2++;
        }
        return nLog2;
    }

    static byte[] blake2b512(byte[] data) {
        Blake2bDigest blake = new Blake2bDigest(512);
        blake.update(data, 0, data.length);
        byte[] out = new byte[64];
        blake.doFinal(out, 0);
        return out;
    }

    private static byte[] ed25519(Ed25519PrivateKeyParameters key, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    private static boolean ed25519Verify(Ed25519PublicKeyParameters key, byte[] message, byte[] signature) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * A key id as minisign prints it: the 8 bytes read as a little-endian number, upper-case hex without leading
     * zeros (minisign formats it with {@code %" PRIX64 "}, so an id starting with 0 is one digit shorter).
     */
    private static String idHex(byte[] keyId) {
        long id = ByteBuffer.wrap(keyId).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return Long.toHexString(id).toUpperCase(Locale.ROOT);
    }
}
