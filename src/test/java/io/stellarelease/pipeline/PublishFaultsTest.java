package io.stellarelease.pipeline;

import io.stellarelease.clients.GiteaStandIn.Drop;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults while publishing: transient ones (500s, connections dropped mid-upload or after the server stored the
 * upload) are retried; one that outlives the retries, and a 4xx, fail their stage with the server's message and the
 * request. Each failed release is run again, and the last run completes with nothing duplicated.
 */
class PublishFaultsTest extends PublishingTestSupport {

    @Test
    void failedReleasesRunAgainCompleteWithoutDuplicates() throws Exception {
        // Run 1: retried faults everywhere, then the chart upload keeps failing: publish-helm fails after retries.
        gitea.failNext("PUT", "/api/packages/[^/]+/nuget/", 2, 500, null);
        gitea.dropNext("PUT", "/api/packages/[^/]+/nuget/", 1, Drop.MID_UPLOAD);
        gitea.dropNext("PUT", "/api/packages/[^/]+/nuget/", 1, Drop.AFTER_STORE);
        gitea.failNext("POST", "/api/packages/[^/]+/helm/api/charts", 4, 503, "0");
        ReleaseRun first = release(TAG, true);

        assertThat(first.isSucceeded()).isFalse();
        assertThat(first.stage("publish-nuget").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        assertThat(first.stage("push-containers").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        assertThat(first.stage("publish-helm").orElseThrow().getStatus()).isEqualTo(Status.FAILED);
        assertThat(first.getFailure()).contains("publish-helm")
                .contains("POST /api/packages/stella-ops.org/helm/api/charts: HTTP 503: injected fault 503")
                .doesNotContain(TOKEN);
        assertThat(first.stage("create-release")).isEmpty();
        assertThat(gitea.nugetPackages()).hasSize(9).doesNotHaveDuplicates();

        // Run 2: the release is created, then an asset upload is refused (4xx): no retry, the server's message.
        gitea.dropNext("POST", ASSETS, 1, Drop.MID_UPLOAD);
        gitea.dropNext("POST", ASSETS, 1, Drop.AFTER_STORE);
        gitea.failNext("POST", ASSETS, 2, 500, null);
        gitea.failNext("POST", ASSETS, 1, 422, null);
        ReleaseRun second = release(TAG, true);

        assertThat(second.isSucceeded()).isFalse();
        assertThat(second.stage("publish-helm").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        assertThat(second.stage("create-release").orElseThrow().getStatus()).isEqualTo(Status.FAILED);
        assertThat(second.getFailure()).doesNotContain(TOKEN);
        assertThat(gitea.releaseCount()).isEqualTo(1);
        assertThat(gitea.assets(TAG)).isNotEmpty().hasSizeLessThan(8 + 10);
        SoftAssertions truth = new SoftAssertions();
        // The failure names the asset; the release, missing assets, is a draft nobody is pointed at.
        truth.assertThat(second.getFailure()).containsPattern("POST /api/v1/repos/stella-ops.org/git.stella-ops.org/releases/\\d+"
                + "/assets\\?name=[\\w.-]+: HTTP 422: injected fault 422");
        truth.assertThat(gitea.draft(TAG)).as("the release after a failed upload is a draft").contains(true);
        // verify --remote finds the draft and says its publishing did not finish.
        PublishReleaseTest.Result check = PublishReleaseTest.verify(out.resolve("2026.04").toString(), "--remote",
                "--config", configFile().toString());
        truth.assertThat(check.err()).contains("release " + TAG + ": still a draft: its publishing did not finish");

        // Run 3: no faults. Everything completes; nothing is there twice, nothing was stored twice.
        ReleaseRun third = release(TAG, true);
        assertThat(third.getFailure()).isNull();
        assertThat(third.stage("verify").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        assertThat(third.stage("push-containers").orElseThrow().getSteps())
                .allSatisfy(s -> assertThat(s.details()).containsEntry("uploadedBlobs", "0"));
        assertThat(gitea.releaseCount()).isEqualTo(1);
        assertThat(gitea.assets(TAG)).hasSize(8 + 10); // with the 10 SBOMs
        assertThat(gitea.assets(TAG).values()).allSatisfy(sizes -> assertThat(sizes).hasSize(1));
        assertThat(gitea.nugetPackages()).hasSize(9).doesNotHaveDuplicates();
        assertThat(gitea.helmCharts()).containsExactly("stellaops@2026.04");
        assertThat(stored("PUT", "/api/packages/.*/nuget/")).as("NuGet pushes stored").isEqualTo(8); // the 9th: stored, answer dropped
        assertThat(stored("POST", ASSETS)).as("asset uploads stored and answered").isEqualTo(7 + 10); // one: stored, answer dropped
        assertThat(stored("POST", "/api/packages/.*/helm/api/charts")).isEqualTo(1);
        assertThat(registryTags("stella-ops.org/authority")).containsExactlyInAnyOrder("2026.04", "edge", "latest");
        assertThat(gitea.violations()).isEmpty();
        truth.assertThat(gitea.draft(TAG)).as("the finished release is published").contains(false);
        truth.assertAll();
        assertThat(List.of(first, second, third)).allSatisfy(r -> assertThat(String.valueOf(r.getFailure())).doesNotContain(TOKEN));
    }
}
