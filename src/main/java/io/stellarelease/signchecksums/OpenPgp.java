package io.stellarelease.signchecksums;

import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRingCollection;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRingCollection;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.jcajce.JcaPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Iterator;

/**
 * OpenPGP detached signatures (RFC 4880, as {@code gpg --verify} reads them) made and checked with Bouncy Castle's
 * lightweight API: no JCA provider to register, nothing global. Keys come in as armoured text and are held in memory
 * only; no message here contains key material or a passphrase.
 */
public final class OpenPgp {

    private OpenPgp() {
    }

    /** The signing key of a secret key ring: its private part (unlocked) and public part. */
    public record SigningKey(PGPPrivateKey privateKey, PGPPublicKey publicKey) {
        /** The key's fingerprint in upper-case hex, as gpg prints it. */
        public String fingerprint() {
            return HexFormat.of().withUpperCase().formatHex(publicKey.getFingerprint());
        }
    }

    /** The result of checking a detached signature: which key made it, or why it does not verify. */
    public record Verdict(boolean valid, String fingerprint, String problem) { }

    /**
     * The first signing-capable key of an armoured secret key ring (gpg --export-secret-keys --armor), unlocked with
     * {@code passphrase} (null or empty for a key without one).
     */
    public static SigningKey signingKey(String armouredSecretKey, char[] passphrase) {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armouredSecretKey.getBytes(StandardCharsets.US_ASCII)))) {
            PGPSecretKeyRingCollection rings = new PGPSecretKeyRingCollection(in, new BcKeyFingerprintCalculator());
            for (Iterator<PGPSecretKeyRing> r = rings.getKeyRings(); r.hasNext(); ) {
                for (Iterator<PGPSecretKey> k = r.next().getSecretKeys(); k.hasNext(); ) {
                    PGPSecretKey key = k.next();
                    if (!key.isSigningKey() || key.isPrivateKeyEmpty() || key.getPublicKey().hasRevocation()) {
                        continue;
                    }
                    PGPPrivateKey privateKey;
                    try {
                        privateKey = key.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
                                .build(passphrase == null ? new char[0] : passphrase));
                    } catch (PGPException e) {
                        // Bouncy Castle's message says which check failed, never the passphrase.
                        throw new IllegalStateException("the signing key could not be unlocked (wrong or missing passphrase?): "
                                + e.getMessage());
                    }
                    if (privateKey != null) {
                        return new SigningKey(privateKey, key.getPublicKey());
                    }
                }
            }
        } catch (IOException | PGPException e) {
            throw new IllegalStateException("the signing key is not an armoured OpenPGP secret key: " + e.getMessage());
        }
        throw new IllegalStateException("the signing key holds no secret key that can sign");
    }

    /** An armoured detached signature of {@code data} (a binary-document signature, SHA-256). */
    public static byte[] sign(byte[] data, SigningKey key) {
        try {
            PGPSignatureGenerator generator = new PGPSignatureGenerator(
                    new BcPGPContentSignerBuilder(key.publicKey().getAlgorithm(), HashAlgorithmTags.SHA256), key.publicKey());
            generator.init(PGPSignature.BINARY_DOCUMENT, key.privateKey());
            generator.update(data);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ArmoredOutputStream armour = ArmoredOutputStream.builder().clearHeaders().build(bytes)) {
                generator.generate().encode(armour);
            }
            return bytes.toByteArray();
        } catch (IOException | PGPException e) {
            throw new IllegalStateException("signing failed: " + e.getMessage());
        }
    }

    /** Checks a detached signature (armoured or binary) of {@code data} against the keys of {@code armouredPublicKeys}. */
    public static Verdict verify(byte[] data, byte[] signature, byte[] armouredPublicKeys) {
        PGPPublicKeyRingCollection keys;
        try (InputStream keyIn = PGPUtil.getDecoderStream(new ByteArrayInputStream(armouredPublicKeys))) {
            keys = new PGPPublicKeyRingCollection(keyIn, new BcKeyFingerprintCalculator());
        } catch (IOException | PGPException | RuntimeException e) {
            return new Verdict(false, null, "the public key is not an armoured OpenPGP public key: " + e.getMessage());
        }
        return verify(data, signature, keys::getPublicKey);
    }

    /** Checks a detached signature of {@code data} made by {@code key}. */
    public static Verdict verify(byte[] data, byte[] signature, PGPPublicKey key) {
        return verify(data, signature, id -> id == key.getKeyID() ? key : null);
    }

    private static Verdict verify(byte[] data, byte[] signature, java.util.function.LongFunction<PGPPublicKey> keys) {
        try (InputStream sigIn = PGPUtil.getDecoderStream(new ByteArrayInputStream(signature))) {
            Object object = new JcaPGPObjectFactory(sigIn).nextObject();
            if (!(object instanceof PGPSignatureList list) || list.isEmpty()) {
                return new Verdict(false, null, "not an OpenPGP signature");
            }
            PGPSignature sig = list.get(0);
            PGPPublicKey key = keys.apply(sig.getKeyID());
            if (key == null) {
                return new Verdict(false, null, "made by key " + String.format("%016X", sig.getKeyID())
                        + ", which is not the configured public key");
            }
            sig.init(new BcPGPContentVerifierBuilderProvider(), key);
            sig.update(data);
            String fingerprint = HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
            return sig.verify() ? new Verdict(true, fingerprint, null)
                    : new Verdict(false, fingerprint, "BAD signature: the file is not what key " + fingerprint + " signed");
        } catch (IOException | PGPException | RuntimeException e) {
            return new Verdict(false, null, "could not check the signature: " + e.getMessage());
        }
    }
}
