package io.stellarelease.intake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HMAC-SHA256 verification of Gitea and GitHub signature headers over the real Gitea body. */
class WebhookSignaturesTest {
    private static final byte[] SECRET = "hook-secret-for-tests".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BODY = GiteaSamples.raw(GiteaSamples.CREATE_TAG);
    private static final String SIGNATURE = WebhookSignatures.hmacHex(SECRET, BODY);

    private final WebhookSignatures signatures = new WebhookSignatures(SECRET);

    @Test
    void hmacHexMatchesRfc4231() {
        // RFC 4231 test case 2: an independent check that hmacHex is HMAC-SHA256 in lower-case hex.
        assertThat(WebhookSignatures.hmacHex("Jefe".getBytes(StandardCharsets.US_ASCII),
                "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void acceptsGoodGiteaSignature() {
        assertThat(signatures.allowsUnsigned()).isFalse();
        assertThatCode(() -> signatures.verifyGitea(BODY, SIGNATURE)).doesNotThrowAnyException();
    }

    @Test
    void acceptsGoodGithubSignature() {
        assertThatCode(() -> signatures.verifyGithub(BODY, "sha256=" + SIGNATURE)).doesNotThrowAnyException();
    }

    @Test
    void acceptsUpperCaseHex() {
        String upper = SIGNATURE.toUpperCase(Locale.ROOT);
        assertThatCode(() -> signatures.verifyGitea(BODY, upper)).doesNotThrowAnyException();
        assertThatCode(() -> signatures.verifyGithub(BODY, "sha256=" + upper)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void missingGiteaHeader(String header) {
        assertAnswer(() -> signatures.verifyGitea(BODY, header), "missing X-Gitea-Signature header");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void missingGithubHeader(String header) {
        assertAnswer(() -> signatures.verifyGithub(BODY, header), "missing X-Hub-Signature-256 header");
    }

    @Test
    void malformedGiteaHeader() {
        for (String bad : new String[]{"sha256=" + SIGNATURE, SIGNATURE.substring(1), SIGNATURE + "0",
                "z" + SIGNATURE.substring(1)}) {
            assertAnswer(() -> signatures.verifyGitea(BODY, bad), "X-Gitea-Signature must be <64 hex digits>");
        }
    }

    @Test
    void malformedGithubHeader() {
        for (String bad : new String[]{SIGNATURE, "sha1=" + SIGNATURE, "sha256=" + SIGNATURE.substring(2),
                "sha256=" + SIGNATURE + "ab", "sha256=g" + SIGNATURE.substring(1), "sha256="}) {
            assertAnswer(() -> signatures.verifyGithub(BODY, bad), "X-Hub-Signature-256 must be sha256=<64 hex digits>");
        }
    }

    @Test
    void wrongSecret() {
        String forged = WebhookSignatures.hmacHex("another-secret".getBytes(StandardCharsets.UTF_8), BODY);
        assertAnswer(() -> signatures.verifyGitea(BODY, forged), "signature does not match the body");
        assertAnswer(() -> signatures.verifyGithub(BODY, "sha256=" + forged), "signature does not match the body");
    }

    @Test
    void bodyChangedByOneByte() {
        // The sample names tag v1.0.0; a proxy or attacker turning it into v1.0.1 must break the signature.
        String text = new String(BODY, StandardCharsets.UTF_8);
        assertThat(text).contains("\"v1.0.0\"");
        byte[] changed = text.replace("\"v1.0.0\"", "\"v1.0.1\"").getBytes(StandardCharsets.UTF_8);
        assertThat(changed).hasSameSizeAs(BODY);
        assertAnswer(() -> signatures.verifyGitea(changed, SIGNATURE), "signature does not match the body");
        assertAnswer(() -> signatures.verifyGithub(changed, "sha256=" + SIGNATURE), "signature does not match the body");
    }

    @Test
    void messagesNeverRevealSecretOrExpectedSignature() {
        String secret = new String(SECRET, StandardCharsets.UTF_8);
        String wrong = "0".repeat(64);
        for (Runnable call : new Runnable[]{
                () -> signatures.verifyGitea(BODY, wrong),
                () -> signatures.verifyGithub(BODY, "sha256=" + wrong),
                () -> signatures.verifyGitea(BODY, "nope"),
                () -> signatures.verifyGithub(BODY, "nope")}) {
            assertThatThrownBy(call::run).isInstanceOf(HttpAnswerException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret).doesNotContainIgnoringCase(SIGNATURE));
        }
    }

    @Test
    void unsignedHooksSkipVerificationOnlyWhenAllowed() {
        WebhookSignatures unsigned = new WebhookSignatures(null);
        assertThat(unsigned.allowsUnsigned()).isTrue();
        assertThatCode(() -> unsigned.verifyGitea(BODY, null)).doesNotThrowAnyException();
        assertThatCode(() -> unsigned.verifyGithub(BODY, "garbage")).doesNotThrowAnyException();
        assertThatThrownBy(() -> new WebhookSignatures(new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secret is empty");
    }

    @Test
    void keepsItsOwnCopyOfTheSecret() {
        byte[] secret = SECRET.clone();
        WebhookSignatures own = new WebhookSignatures(secret);
        Arrays.fill(secret, (byte) 0);
        assertThatCode(() -> own.verifyGitea(BODY, SIGNATURE)).doesNotThrowAnyException();
    }

    /** Each thread reuses its keyed Mac: a check after a mismatch, or on another thread at once, starts clean. */
    @Test
    void concurrentChecksEachSeeOnlyTheirOwnBody() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var checks = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 400; i++) {
                byte[] body = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                String good = WebhookSignatures.hmacHex(SECRET, body);
                boolean forge = i % 3 == 0;
                checks.add(pool.submit(() -> {
                    if (forge) {
                        assertAnswer(() -> signatures.verifyGitea(body, SIGNATURE), "signature does not match the body");
                    } else {
                        signatures.verifyGitea(body, good);
                    }
                }));
            }
            for (var check : checks) {
                check.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertAnswer(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(HttpAnswerException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}
