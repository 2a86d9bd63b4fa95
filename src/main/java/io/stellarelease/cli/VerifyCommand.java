package io.stellarelease.cli;

import io.stellarelease.config.ConfigException;
import io.stellarelease.config.ConfigLoader;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.signchecksums.ChecksumSigning;
import io.stellarelease.targets.PublishTargets;
import io.stellarelease.verify.LocalVerification;
import io.stellarelease.verify.RemoteVerification;
import io.stellarelease.verify.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code verify <dir or manifest> [--remote]}: a release checked on disk and, with --remote, where it was published. */
@Command(name = "verify",
        header = "Checks a release on disk and, with --remote, where it was published.",
        mixinStandardHelpOptions = true,
        description = "Checks a release: every file in SHA256SUMS and every artifact of the manifest matches its sha256 (and size); with --remote also that each image tag resolves to the manifest's digest, the Gitea release lists every asset once at its size, and the packages exist. Sends GET requests only. With a public key (--public-key, or signing.publicKey in the configuration) SHA256SUMS's OpenPGP signature must verify; with a minisign public key (--minisign-public-key, or signing.minisign.publicKey) its minisign signature must.",
        footer = {"", "Exit codes: 0 verified; 1 a check failed; 2 bad usage, configuration, a missing credential, or no release at the path."})
public class VerifyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<dir or manifest>", description = "A release directory (out/2026.04) or its suite-<version>.yaml.")
    Path path;

    @Option(names = "--remote", description = "Also check the registry and Gitea (targets and credentials from the release configuration).")
    boolean remote;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "config/release.yaml",
            description = "The release configuration: the targets of --remote and the signing public key.%nDefault: ${DEFAULT-VALUE}.")
    Path config;

    @Option(names = "--public-key", paramLabel = "FILE",
            description = "An armoured OpenPGP public key; this signature must verify against it:%nSHA256SUMS-<version>.txt.asc%nDefault: signing.publicKey.")
    Path publicKey;

    @Option(names = "--minisign-public-key", paramLabel = "FILE",
            description = "A minisign public key file (minisign -G's .pub); this signature must verify against it:%nSHA256SUMS-<version>.txt.minisig%nDefault: signing.minisign.publicKey.")
    Path minisignPublicKey;

    @Override
    public Integer call() {
        LocalVerification.Release release;
        try {
            release = LocalVerification.open(path);
        } catch (IOException e) {
            System.err.println("verify: " + e.getMessage());
            return 2;
        }
        try {
            // The configuration is needed for --remote and for the signature's public key; a plain local check of a
            // release works without one (no config/release.yaml where verify runs).
            ReleaseConfig releaseConfig = remote || Files.isRegularFile(config) ? ConfigLoader.load(config) : null;
            Path key = publicKey != null ? publicKey
                    : releaseConfig == null ? null : ChecksumSigning.publicKey(releaseConfig).orElse(null);
            Path minisignKey = minisignPublicKey != null ? minisignPublicKey
                    : releaseConfig == null ? null : ChecksumSigning.minisignPublicKey(releaseConfig).orElse(null);
            VerifyReport local = LocalVerification.check(release, key, minisignKey);
            int problems = print("local", local);
            boolean readBack = false;
            if (remote) {
                PublishTargets targets = new PublishTargets(releaseConfig);
                VerifyReport published = new RemoteVerification(targets).check(release);
                readBack = !published.checked().isEmpty() || !published.problems().isEmpty();
                if (!readBack) {
                    // Nothing configured to read back: say so rather than claim the release was checked where it went.
                    System.out.println("--   remote: nothing to read back: no publishing target configured (publish in " + config + ")");
                }
                problems += print("remote", published);
            }
            if (problems > 0) {
                System.err.println("verify " + release.tag() + ": " + problems + " problem(s)");
                return 1;
            }
            System.out.println("verified " + release.tag() + (readBack ? " on disk and where it was published"
                    : remote ? " on disk; nothing was read back (no publishing target configured)" : " on disk"));
            return 0;
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            // A credential --remote needs is not available (the message names its variable or file).
            System.err.println("verify: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("verify: " + e.getMessage());
            return 1;
        }
    }

    private static int print(String where, VerifyReport report) {
        report.checked().forEach(c -> System.out.println("ok   " + where + ": " + c));
        report.problems().forEach(p -> System.err.println("FAIL " + where + ": " + p));
        return report.problems().size();
    }
}
