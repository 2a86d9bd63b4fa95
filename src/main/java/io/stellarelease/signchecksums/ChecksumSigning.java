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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sign-checksums stage: {@code SHA256SUMS-{version}.txt.asc}, an OpenPGP detached signature of the checksums
 * that {@code gpg --verify} checks. The key and its passphrase are read (from the environment or a file) only here,
 * held in memory for the signature and never written: not in the log, the plan, the manifest or state.json. The
 * signature itself is not in SHA256SUMS or the manifest (they are what it signs); create-release uploads it.
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

    /** Why the stage does not run, or null. A dry run signs when the key can be read (nothing is sent either way). */
    public String skipReason(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        ReleaseConfig.Signing signing = config.signing();
        if (signing == null || signing.key() == null) {
            return "no signing key configured (signing.key)";
        }
        if (run.getRequest().dryRun()) {
            try {
                read("signing.key", signing.key());
                if (signing.passphrase() != null) {
                    read("signing.passphrase", signing.passphrase());
                }
            } catch (IllegalStateException e) {
                return "dry run: " + e.getMessage() + "; a real release fails here";
            }
        }
        return null;
    }

    public StepResult sign(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        Instant started = Instant.now();
        Path sums = run.releaseDir().resolve(Checksums.fileName(run.releaseName()));
        Path signature = run.releaseDir().resolve(signatureName(run.releaseName()));
        try {
            if (!Files.isRegularFile(sums)) {
                throw new IllegalStateException(sums.getFileName() + " not found: release-manifest must run before " + STAGE);
            }
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
}
