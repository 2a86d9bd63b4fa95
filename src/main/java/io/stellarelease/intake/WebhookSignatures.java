package io.stellarelease.intake;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Checks that a webhook body was signed with the hook's shared secret (HMAC-SHA256), as Gitea
 * ({@code X-Gitea-Signature: <hex>}) and GitHub ({@code X-Hub-Signature-256: sha256=<hex>}) send it.
 * Verification runs over the raw bytes before anything parses them: a parser must never see an
 * unauthenticated body, and re-serialised JSON would not match the sender's bytes anyway.
 */
public final class WebhookSignatures {
    private static final String ALGORITHM = "HmacSHA256";
    private static final String GITHUB_PREFIX = "sha256=";

    private final byte[] secret;
    // Mac instances are not thread-safe and hooks arrive concurrently: one per thread, keyed once (doFinal resets it).
    // Looking one up and keying it was a third of the signature check's samples under load.
    private final ThreadLocal<Mac> macs;

    /**
     * @param secret the hook's secret, or {@code null} only when unsigned hooks are explicitly allowed
     *               (verification is then skipped); an empty secret is refused, as it signs nothing
     */
    public WebhookSignatures(byte[] secret) {
        if (secret != null && secret.length == 0) {
            throw new IllegalArgumentException("webhook secret is empty: set a secret, or allow unsigned hooks explicitly");
        }
        // Own copy: the caller may clear or reuse its array.
        this.secret = secret == null ? null : secret.clone();
        this.macs = this.secret == null ? null : ThreadLocal.withInitial(() -> mac(this.secret));
    }

    public boolean allowsUnsigned() {
        return secret == null;
    }

    /** Gitea: {@code X-Gitea-Signature} is the hex HMAC-SHA256 of the raw body. */
    public void verifyGitea(byte[] rawBody, String xGiteaSignatureHeader) {
        if (allowsUnsigned()) {
            return;
        }
        String header = trimmed(xGiteaSignatureHeader);
        if (header == null) {
            throw new HttpAnswerException(401, "missing X-Gitea-Signature header");
        }
        if (!hex64(header)) {
            throw new HttpAnswerException(401, "X-Gitea-Signature must be <64 hex digits>");
        }
        check(rawBody, header);
    }

    /** GitHub (and Gitea's GitHub-style header): {@code X-Hub-Signature-256: sha256=<hex>}. */
    public void verifyGithub(byte[] rawBody, String xHubSignature256Header) {
        if (allowsUnsigned()) {
            return;
        }
        String header = trimmed(xHubSignature256Header);
        if (header == null) {
            throw new HttpAnswerException(401, "missing X-Hub-Signature-256 header");
        }
        String hex = header.startsWith(GITHUB_PREFIX) ? header.substring(GITHUB_PREFIX.length()) : "";
        if (!hex64(hex)) {
            throw new HttpAnswerException(401, "X-Hub-Signature-256 must be sha256=<64 hex digits>");
        }
        check(rawBody, hex);
    }

    /** Lower-case hex HMAC-SHA256 of {@code body} with {@code secret}; tests use it to sign bodies. */
    public static String hmacHex(byte[] secret, byte[] body) {
        return HexFormat.of().formatHex(mac(secret).doFinal(body));
    }

    private static boolean hex64(String text) {
        return text.length() == 64 && text.chars().allMatch(HexFormat::isHexDigit);
    }

    private void check(byte[] rawBody, String hex) {
        byte[] expected = macs.get().doFinal(rawBody == null ? new byte[0] : rawBody);
        // HexFormat parses either case; comparing decoded bytes in constant time leaks no prefix timing.
        byte[] given = HexFormat.of().parseHex(hex);
        boolean equal = MessageDigest.isEqual(expected, given);
        Arrays.fill(expected, (byte) 0);
        if (!equal) {
            throw new HttpAnswerException(401, "signature does not match the body");
        }
    }

    private static Mac mac(byte[] secret) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    private static String trimmed(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        return header.strip();
    }
}
