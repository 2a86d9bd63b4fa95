package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** A failing test suite stops the release before anything is built, and says which suite, its exit code and log tail. */
class TestGateTest extends PipelineTestSupport {
    private Path lintArgs;

    @Override
    protected void configure(ObjectNode config) {
        ArrayNode suites = (ArrayNode) config.at("/testGate/suites");
        Fixtures.prefixEnv((ObjectNode) suites.get(2), "STELLA_EXAMPLE_FAIL_SUITE=contract");
        try {
            // A stand-in for helm that records its arguments, configured by absolute path like any lint command.
            lintArgs = tmp.resolve("lint-args.txt");
            Path fakeHelm = tmp.resolve("bin/fake-helm");
            Files.createDirectories(fakeHelm.getParent());
            Files.writeString(fakeHelm, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + lintArgs + "'\necho '1 chart(s) linted, 0 chart(s) failed'\n");
            Files.setPosixFilePermissions(fakeHelm, PosixFilePermissions.fromString("rwxr-xr-x"));
            ((ObjectNode) config.get("helm")).putArray("lint").add(fakeHelm.toString()).add("lint").add("--strict");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFailingSuiteStopsTheReleaseAndNamesItself() {
        ReleaseRun run = release("suite-2026.04-nova", false);

        StageRecord gate = run.stage("test-gate").orElseThrow();
        assertThat(gate.getStatus()).isEqualTo(Status.FAILED);
        assertThat(gate.getSteps()).hasSize(3);
        assertThat(gate.getReason()).startsWith("1 of 3 failed: contract (exit code 1)")
                .contains("last lines of logs/test-gate/contract.log")
                .contains("FAILED: contract (forced by STELLA_EXAMPLE_FAIL_SUITE)");
        assertThat(run.getStages()).extracting(StageRecord::getName).containsExactly("validate", "test-gate", "summary");
        assertThat(out.resolve("2026.04/work/build-modules")).doesNotExist();
    }

    @Test
    void theConfiguredLintCommandChecksThePackagedChart() throws IOException {
        ReleaseRun run = release("suite-2026.04-nova", true);

        assertThat(run.isSucceeded()).isTrue();
        assertThat(Files.readAllLines(lintArgs)).containsExactly("lint", "--strict",
                out.resolve("2026.04/helm/stellaops-2026.04.tgz").toString());
        assertThat(run.stage("build-helm").orElseThrow().getSteps().get(0).details().get("checkedBy"))
                .endsWith("fake-helm lint --strict");
    }
}
