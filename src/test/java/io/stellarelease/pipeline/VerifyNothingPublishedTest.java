package io.stellarelease.pipeline;

import io.stellarelease.cli.StellaRelease;
import io.stellarelease.state.ReleaseRun;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code verify --remote} of a real release made with no publishing target configured has nothing to read back: it
 * says so, instead of "verified ... on disk and where it was published" after reading nothing.
 */
class VerifyNothingPublishedTest extends PipelineTestSupport {

    @Test
    void verifyRemoteSaysThereWasNothingToReadBack() {
        ReleaseRun run = release("suite-2026.04-nova", true);
        assertThat(run.isSucceeded()).as(run.getFailure()).isTrue();

        PrintStream oldOut = System.out;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            exit = StellaRelease.commandLine().execute("verify", out.resolve("2026.04").toString(), "--remote",
                    "--config", tmp.resolve("release.yaml").toString());
        } finally {
            System.setOut(oldOut);
        }
        String printed = stdout.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(printed).isZero();
        assertThat(printed).contains("remote: nothing to read back: no publishing target configured")
                .contains("verified suite-2026.04-nova on disk; nothing was read back (no publishing target configured)")
                .doesNotContain("where it was published");
    }
}
