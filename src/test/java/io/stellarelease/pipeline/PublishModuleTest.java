package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A module release published to the Gitea stand-in's NuGet feed and a real docker-registry: first with both publish
 * flags off (nothing sent), then for real, then again with nothing sent twice.
 */
class PublishModuleTest extends PublishingTestSupport {
    static final String MODULE_TAG = "module-authority-v1.4.0";

    @Test
    void publishesThePackageAndTheVersionTagOnlyHonouringTheFlags() throws Exception {
        Files.writeString(workspace.resolve("src/Authority/CHANGELOG.md"), "## [1.4.0] - 2026-04-15\n\n- DPoP.\n");
        ReleaseRunner runner = context.getRegistry().lookupByNameAndType("releaseRunner", ReleaseRunner.class);

        // publishNuget: false, publishContainer: false: built and recorded, nothing sent.
        ReleaseRun off = runner.run(runner.request(MODULE_TAG, null, null, false, true, true, true));
        assertThat(off.getFailure()).isNull();
        assertThat(off.stage("publish-nuget").orElseThrow().getReason()).isEqualTo("not requested (publishNuget: false)");
        assertThat(off.stage("push-containers").orElseThrow().getReason()).isEqualTo("not requested (publishContainer: false)");
        assertThat(gitea.requests()).isEmpty();
        assertThat(registryTags("stella-ops.org/authority")).isEmpty();

        ReleaseRun run = release(MODULE_TAG, true);
        assertThat(run.getFailure()).isNull();
        assertThat(run.stage("publish-nuget").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        assertThat(run.stage("push-containers").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        assertThat(gitea.nugetPackages()).containsExactly("StellaOps.Authority@1.4.0");
        // Only {module}:{version}: a module release moves neither the suite's channel tags nor latest.
        assertThat(registryTags("stella-ops.org/authority")).containsExactly("1.4.0");
        Path dir = out.resolve("modules/authority/1.4.0");
        JsonNode manifest = Fixtures.YAML.readTree(dir.resolve("module-authority-1.4.0.yaml").toFile());
        assertThat(manifest.at("/modules/0/image/registry").asText()).isEqualTo(registry.baseUrl());
        assertThat(skopeoDigest("stella-ops.org/authority", "1.4.0")).isEqualTo(manifest.at("/modules/0/image/digest").asText());
        JsonNode plan = JSON.readTree(dir.resolve("release-plan.json").toFile());
        assertThat(plan.get("tag").asText()).isEqualTo(MODULE_TAG);
        // No Gitea release, no chart: those belong to suites.
        assertThat(gitea.releaseCount()).isZero();
        assertThat(gitea.helmCharts()).isEmpty();

        // Released again: the feed answers 409, the registry has every blob; nothing is duplicated.
        ReleaseRun again = release(MODULE_TAG, true);
        assertThat(again.getFailure()).isNull();
        assertThat(again.stage("publish-nuget").orElseThrow().getSteps().get(0).details()).containsEntry("outcome", "skipped-duplicate");
        assertThat(again.stage("push-containers").orElseThrow().getSteps().get(0).details()).containsEntry("uploadedBlobs", "0");
        assertThat(gitea.nugetPackages()).containsExactly("StellaOps.Authority@1.4.0");
        assertThat(gitea.violations()).isEmpty();
    }
}
