package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A dry run sends no request at all, to Gitea or the registry, and release-plan.json lists every write it would send. */
class PublishDryRunTest extends PublishingTestSupport {

    @Test
    void aDryRunSendsNothingAndPlansEveryWrite() throws Exception {
        ReleaseRun run = release(TAG, true, true);

        assertThat(run.getFailure()).isNull();
        for (String stage : List.of("publish-nuget", "push-containers", "publish-helm", "create-release")) {
            assertThat(run.stage(stage).orElseThrow().getStatus()).as(stage).isEqualTo(Status.SKIPPED);
            assertThat(run.stage(stage).orElseThrow().getReason()).as(stage).startsWith("dry run: nothing sent");
        }
        assertThat(run.stage("verify").orElseThrow().getReason()).isEqualTo("dry run: nothing was published");
        assertThat(gitea.requests()).as("requests sent to Gitea in a dry run").isEmpty();
        assertThat(registryTags("stella-ops.org/authority")).as("tags in the registry after a dry run").isEmpty();

        Path dir = out.resolve("2026.04");
        JsonNode plan = JSON.readTree(dir.resolve("release-plan.json").toFile());
        assertThat(plan.get("dryRun").asBoolean()).isTrue();
        List<JsonNode> requests = List.of(JSON.treeToValue(plan.get("requests"), JsonNode[].class));
        String base = gitea.baseUrl().toString();
        assertThat(requests).filteredOn(r -> r.get("stage").asText().equals("publish-nuget")).hasSize(9)
                .allSatisfy(r -> assertThat(r.get("url").asText()).isEqualTo(base + "/api/packages/stella-ops.org/nuget/"));
        // 9 images: 2 blobs (each a POST then a PUT, as sent) and 3 tags each; the chart: 2 blobs and its version tag.
        assertThat(requests).filteredOn(r -> r.get("stage").asText().equals("push-containers")).hasSize(9 * (2 * 2 + 3));
        assertThat(requests).filteredOn(r -> r.get("url").asText().endsWith("/v2/stella-ops.org/authority/manifests/edge")).hasSize(1);
        assertThat(requests).filteredOn(r -> r.get("stage").asText().equals("publish-helm")).extracting(r -> r.get("url").asText())
                .contains(base + "/api/packages/stella-ops.org/helm/api/charts",
                        registry.baseUrl() + "/v2/stella-ops.org/charts/stellaops/manifests/2026.04");
        List<JsonNode> release = requests.stream().filter(r -> r.get("stage").asText().equals("create-release")).toList();
        // Created a draft, 8 assets and 10 SBOMs (9 modules and the suite; no signing key here), then published.
        assertThat(release).hasSize(1 + 8 + 10 + 1);
        assertThat(release.get(0).at("/json/draft").asBoolean()).isTrue();
        assertThat(release.get(release.size() - 1).get("method").asText()).isEqualTo("PATCH");
        assertThat(release.get(release.size() - 1).get("url").asText()).endsWith("/releases/{id}");
        assertThat(release.get(release.size() - 1).at("/json/draft").asBoolean()).isFalse();
        assertThat(release.get(0).get("url").asText()).isEqualTo(base + "/api/v1/repos/stella-ops.org/git.stella-ops.org/releases");
        assertThat(release.get(0).at("/json/name").asText()).isEqualTo("StellaOps 2026.04 Nova");
        assertThat(release.get(0).at("/json/prerelease").asBoolean()).isTrue();
        assertThat(release.get(0).at("/json/body").asText()).contains("2026.04").contains("| build-modules | done |");
        assertThat(release.get(1).get("url").asText()).contains("/releases/{id}/assets?name=");
        assertThat(JSON.writeValueAsString(plan)).doesNotContain(TOKEN);

        JsonNode manifest = Fixtures.YAML.readTree(dir.resolve("suite-2026.04.yaml").toFile());
        assertThat(manifest.at("/suite/dryRun").asBoolean()).isTrue();
        assertThat(manifest.at("/modules/0/image/registry").isMissingNode()).as("a dry run pushes no image").isTrue();
    }
}
