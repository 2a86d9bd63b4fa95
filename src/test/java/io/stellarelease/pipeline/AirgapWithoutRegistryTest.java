package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's dry run on a machine without Debian's docker-registry: the bundle is still built, its test is skipped
 * with a reason that says a real release would fail there, and the release ends well. A real release fails instead.
 */
class AirgapWithoutRegistryTest extends PipelineTestSupport {
    static final String TAG = "suite-2026.04-nova";

    @Override
    protected void configure(ObjectNode config) {
        config.putObject("airgap").put("enabled", true).put("compression", "none").putNull("testRegistry")
                .putArray("dockerRegistryCommand").add("no-such-docker-registry-binary").add("serve").add("${CONFIG}");
    }

    @Test
    void aDryRunBuildsTheBundleAndSaysItWasNotTested() throws Exception {
        ReleaseRun run = release(TAG, true, true);

        assertThat(run.getFailure()).isNull();
        StepResult test = run.stage("airgap-bundle").orElseThrow().getSteps().stream()
                .filter(s -> s.name().equals("test")).findFirst().orElseThrow();
        assertThat(test.status()).isEqualTo(Status.SKIPPED);
        assertThat(test.message()).startsWith("dry run: bundle not tested, a real release fails here: ")
                .contains("no-such-docker-registry-binary is not on PATH");
        assertThat(out.resolve("2026.04/stellaops-airgap-2026.04.tar")).isRegularFile();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("2026.04/airgap-2026.04.json").toFile())
                .get("tested").asBoolean()).isFalse();
    }

    @Test
    void aRealReleaseFailsAtTheBundleTestNamingTheMissingBinary() throws Exception {
        ReleaseRun run = release(TAG, true, false);

        assertThat(run.stage("airgap-bundle").orElseThrow().getStatus()).isEqualTo(Status.FAILED);
        assertThat(run.getFailure()).contains("no-such-docker-registry-binary is not on PATH");
    }
}
