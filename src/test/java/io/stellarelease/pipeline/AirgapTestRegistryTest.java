package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.clients.LocalRegistry;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The air-gap bundle of a published release (the manifest names the registry's repositories and the chart's OCI
 * digest), tested in an existing registry from {@code airgap.testRegistry}: planned in release-plan.json, not written
 * to by a dry run, written to idempotently by a real run.
 */
class AirgapTestRegistryTest extends PublishingTestSupport {
    private LocalRegistry testRegistry;

    @Override
    protected void configure(ObjectNode config) {
        super.configure(config);
        testRegistry = new LocalRegistry();
        try {
            testRegistry.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        config.putObject("airgap").put("enabled", true).put("compression", "zstd").put("testRegistry", testRegistry.baseUrl());
    }

    @AfterEach
    void stopTestRegistry() throws Exception {
        testRegistry.close();
    }

    @Test
    void aDryRunPlansTheTestRegistryAndSendsItNothing() throws Exception {
        ReleaseRun run = release(TAG, true, true);

        assertThat(run.getFailure()).isNull();
        StepResult test = step(run, "test");
        assertThat(test.status()).isEqualTo(Status.SKIPPED);
        assertThat(test.message()).contains("dry run").contains(testRegistry.baseUrl()).contains("release-plan.json");
        JsonNode plan = JSON.readTree(out.resolve("2026.04/release-plan.json").toFile());
        List<JsonNode> planned = java.util.stream.StreamSupport.stream(plan.get("requests").spliterator(), false)
                .filter(r -> r.get("stage").asText().equals("airgap-bundle")).toList();
        assertThat(planned).isNotEmpty().allMatch(r -> r.get("url").asText().startsWith(testRegistry.baseUrl() + "/v2/"));
        assertThat(planned).anyMatch(r -> r.get("url").asText().endsWith("/v2/stella-ops.org/authority/manifests/latest"));
        assertThat(catalog()).isEmpty();
        assertThat(JSON.readTree(out.resolve("2026.04/airgap-2026.04.json").toFile()).get("tested").asBoolean()).isFalse();
        assertThat(out.resolve("2026.04/stellaops-airgap-2026.04.tar.zst")).isRegularFile();
    }

    @Test
    void aRealRunTestsInTheConfiguredRegistryAndARepeatSendsNoBlobAgain() throws Exception {
        ReleaseRun run = release(TAG, true);

        assertThat(run.getFailure()).isNull();
        StepResult test = step(run, "test");
        assertThat(test.details()).containsEntry("tested", "true").containsEntry("registry", testRegistry.baseUrl())
                .containsEntry("tagsChecked", "28");
        assertThat(out.resolve("2026.04/logs/airgap-bundle/registry.log")).doesNotExist(); // no scratch registry
        assertThat(catalog()).contains("stella-ops.org/authority", "stella-ops.org/charts/stellaops");
        JsonNode manifest = Fixtures.YAML.readTree(out.resolve("2026.04/suite-2026.04.yaml").toFile());
        assertThat(manifest.at("/modules/0/image/repository").asText()).startsWith(registry.hostPort() + "/");
        String ref = "docker://" + testRegistry.hostPort() + "/stella-ops.org/authority:2026.04";
        JsonNode inspected = JSON.readTree(LocalRegistry.run(List.of("skopeo", "inspect", "--tls-verify=false", ref)));
        assertThat(inspected.get("Digest").asText()).isEqualTo(manifest.at("/modules/0/image/digest").asText());
        String chart = LocalRegistry.run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false",
                "docker://" + testRegistry.hostPort() + "/stella-ops.org/charts/stellaops:2026.04"));
        assertThat(sha256(chart)).isEqualTo(manifest.at("/helm/oci/digest").asText());

        ReleaseRun again = release(TAG, true);
        assertThat(again.getFailure()).isNull();
        assertThat(step(again, "test").details()).containsEntry("uploadedBlobs", "0").containsEntry("tagsChecked", "28");
    }

    private static StepResult step(ReleaseRun run, String name) {
        return run.stage("airgap-bundle").orElseThrow().getSteps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private List<String> catalog() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(testRegistry.baseUrl() + "/v2/_catalog")).build(),
                HttpResponse.BodyHandlers.ofString());
        return java.util.stream.StreamSupport.stream(JSON.readTree(r.body()).path("repositories").spliterator(), false)
                .map(JsonNode::asText).toList();
    }
}
