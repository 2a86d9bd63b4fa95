package io.stellarelease.signchecksums;

import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.clients.Secret;
import io.stellarelease.releasemanifest.Checksums;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;
import org.apache.camel.ExchangeProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sign-checksums stage: {@code SHA256SUMS-{version}.txt.asc}, an OpenPGP detached signature of the checksums
 * that {@code gpg --verify} checks, and/or {@code SHA256SUMS-{version}.txt.minisig}, a minisign signature that
 * {@code minisign -V} checks, whichever keys are configured (one step each). Keys and passphrases are read (from the
 * environment or a file) only here, held in memory for the signature and never written: not in the log, the plan, the
 * manifest or state.json. The signatures are not in SHA256SUMS or the manifest (they are what they sign);
 * create-release uploads them.
 */
public class ChecksumSigning {
    public static final String STAGE = "sign-checksums";

    private final ReleaseConfig config;

    public ChecksumSigning(ReleaseConfig config) {
        this.config = config;
    }

    /** {@code SHA256SUMS-2026.04.txt.asc}. */
    public static String signatureName(String releaseName) {
        return Checksums.fileName(releaseName) + ".asc";
    }

    /** {@code SHA256SUMS-2026.04.txt.minisig}. */
    public static String minisignName(String releaseName) {
        return Checksums.fileName(releaseName) + ".minisig";
    }

    /**
     * Why the stage does not run, or null: it runs when an OpenPGP key ({@code signing.key}), a minisign key
     * ({@code signing.minisign.key}) or both are configured. A dry run signs when the keys can be read (nothing is
     * sent either way).
     */
    public String skipReason(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        ReleaseConfig.Signing signing = config.signing();
        if (signing == null || (!signing.openPgp() && !signing.hasMinisign())) {
            return "no signing key configured (signing.key, signing.minisign.key)";
        }
        if (run.getRequest().dryRun()) {
            try {
                if (signing.openPgp()) {
                    read("signing.key", signing.key());
                    if (signing.passphrase() != null) {
                        read("signing.passphrase", signing.passphrase());
                    }
                }
                if (signing.hasMinisign()) {
                    read("signing.minisign.key", signing.minisign().key());
                    if (signing.minisign().passphrase() != null) {
                        read("signing.minisign.passphrase", signing.minisign().passphrase());
                    }
                }
            } catch (IllegalStateException e) {
                return "dry run: " + e.getMessage() + "; a real release fails here";
            }
        }
        return null;
    }

    /** Signs the checksums with each configured key: one step each, {@code openpgp} then {@code minisign}. */
    public List<StepResult> sign(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        ReleaseConfig.Signing signing = config.signing();
        List<StepResult> steps = new ArrayList<>();
        if (signing != null && signing.openPgp()) {
            steps.add(signOpenPgp(run));
        }
        if (signing != null && signing.hasMinisign()) {
            steps.add(signMinisign(run));
        }
        return steps;
    }

    private StepResult signOpenPgp(ReleaseRun run) {
        Instant started = Instant.now();
        Path sums = sums(run);
        Path signature = run.releaseDir().resolve(signatureName(run.releaseName()));
        try {
            byte[] data = Files.readAllBytes(sums);
            OpenPgp.SigningKey key = unlock();
            String outcome = "signed";
            // A signature that still verifies with this key is kept: a repeated run leaves the same bytes.
            if (Files.isRegularFile(signature) && OpenPgp.verify(data, Files.readAllBytes(signature),
                    key.publicKey()).valid()) {
                outcome = "kept";
            } else {
                Files2.writeAtomically(signature, OpenPgp.sign(data, key));
            }
            Instant now = Instant.now();
            return new StepResult(STAGE, "openpgp", Status.DONE, null, started, now, Duration.between(started, now).toMillis(),
                    null, List.of(), Map.of("file", run.releaseDir().relativize(signature).toString(),
                    "signed", sums.getFileName().toString(), "fingerprint", key.fingerprint(), "outcome", outcome), null);
        } catch (IOException e) {
            throw new UncheckedIOException("could not sign " + sums.getFileName(), e);
        }
    }

    private StepResult signMinisign(ReleaseRun run) {
        Instant started = Instant.now();
        Path sums = sums(run);
        Path signature = run.releaseDir().resolve(minisignName(run.releaseName()));
        try {
            byte[] data = Files.readAllBytes(sums);
            Minisign.SecretKey key = unlockMinisign();
            String name = sums.getFileName().toString();
            String outcome = "signed";
            // A signature that still verifies with this key, for this file, is kept: a repeated run leaves the same bytes.
            Minisign.Verdict existing = Files.isRegularFile(signature)
                    ? Minisign.verify(data, Files.readString(signature), key.publicKey()) : null;
            if (existing != null && existing.valid() && existing.trustedComment().contains("\tfile:" + name + "\t")) {
                outcome = "kept";
            } else {
                Files2.writeAtomically(signature, Minisign.sign(data, key, "signature from minisign secret key",
                        Minisign.trustedComment(Instant.now().getEpochSecond(), name)).getBytes(StandardCharsets.UTF_8));
            }
            Instant now = Instant.now();
            return new StepResult(STAGE, "minisign", Status.DONE, null, started, now, Duration.between(started, now).toMillis(),
                    null, List.of(), Map.of("file", run.releaseDir().relativize(signature).toString(),
                    "signed", name, "keyId", key.publicKey().id(), "outcome", outcome), null);
        } catch (IOException e) {
            throw new UncheckedIOException("could not sign " + sums.getFileName(), e);
        }
    }

    private static Path sums(ReleaseRun run) {
        Path sums = run.releaseDir().resolve(Checksums.fileName(run.releaseName()));
        if (!Files.isRegularFile(sums)) {
            throw new IllegalStateException(sums.getFileName() + " not found: release-manifest must run before " + STAGE);
        }
        return sums;
    }

    private OpenPgp.SigningKey unlock() {
        ReleaseConfig.Signing signing = config.signing();
        Secret key = read("signing.key", signing.key());
        char[] passphrase = signing.passphrase() == null ? new char[0] : read("signing.passphrase", signing.passphrase()).reveal().toCharArray();
        try {
            return OpenPgp.signingKey(key.reveal(), passphrase);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("signing.key (" + signing.key() + "): " + e.getMessage(), e);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    private Minisign.SecretKey unlockMinisign() {
        ReleaseConfig.Minisign minisign = config.signing().minisign();
        Secret key = read("signing.minisign.key", minisign.key());
        byte[] password = minisign.passphrase() == null ? null
                : read("signing.minisign.passphrase", minisign.passphrase()).reveal().getBytes(StandardCharsets.UTF_8);
        try {
            return Minisign.secretKey(key.reveal(), password);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("signing.minisign.key (" + minisign.key() + "): " + e.getMessage(), e);
        } finally {
            if (password != null) {
                Arrays.fill(password, (byte) 0);
            }
        }
    }

    /** The secret a reference names; the error names the key and where it looked, never a value. */
    private static Secret read(String what, ReleaseConfig.SecretRef ref) {
        try {
            return ref.env() != null ? Secret.fromEnv(ref.env()) : Secret.fromFile(Path.of(ref.file()));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    /** The configured public key file, for verify: empty when none is configured. */
    public static Optional<Path> publicKey(ReleaseConfig config) {
        return Optional.ofNullable(config.signing()).map(ReleaseConfig.Signing::publicKey).map(Path::of);
    }

    /** The configured minisign public key file ({@code signing.minisign.publicKey}), for verify: empty when none. */
    public static Optional<Path> minisignPublicKey(ReleaseConfig config) {
        return Optional.ofNullable(config.signing()).map(ReleaseConfig.Signing::minisign)
                .map(ReleaseConfig.Minisign::publicKey).map(Path::of);
    }
}
