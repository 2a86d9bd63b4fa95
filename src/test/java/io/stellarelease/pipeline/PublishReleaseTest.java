package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.stellarelease.cli.StellaRelease;
import io.stellarelease.clients.LocalRegistry;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example workspace released and published end to end through the real routes: NuGet packages, images and the
 * chart (Gitea and OCI), the Gitea release with its assets; checked with independent clients (skopeo, the registry's
 * API, the stand-in's record), then released again with nothing sent twice, then checked by the verify command.
 */
class PublishReleaseTest extends PublishingTestSupport {

    /** The published release is also bundled for air-gapped sites: its manifest names the registry's repositories. */
    @Override
    protected void configure(com.fasterxml.jackson.databind.node.ObjectNode config) {
        super.configure(config);
        ((com.fasterxml.jackson.databind.node.ObjectNode) config.get("airgap")).put("enabled", true);
    }


    @Test
    void publishesEverythingOnceAndARepeatSendsNothingTwice() throws Exception {
        // What this test adds for "publishing output that tells the truth" is checked softly: every broken promise shows.
        SoftAssertions truth = new SoftAssertions();
        ReleaseRun run;
        try (LogCapture logs = LogCapture.root()) {
            run = release(TAG, true);
            // A real run never says "dry run", not even in the pass that writes the plan before sending.
            truth.assertThat(logs.messages()).as("log lines of a real release").noneMatch(m -> m.toLowerCase().contains("dry run"));
        }

        assertThat(run.getFailure()).isNull();
        assertThat(run.getStages()).extracting(StageRecord::getName).containsExactly("validate", "test-gate",
                "build-modules", "build-containers", "build-cli", "build-helm", "sboms", "backup-database", "publish-nuget",
                "push-containers", "publish-helm", "release-manifest", "sign-checksums", "airgap-bundle", "create-release", "verify",
                "record-history", "announce", "summary");
        // No signing key (SignedSbomReleaseTest signs), database or announcement configured here: those stages are skipped.
        assertThat(run.getStages()).filteredOn(s -> !List.of("test-gate", "sign-checksums", "backup-database", "announce").contains(s.getName()))
                .allSatisfy(s -> assertThat(s.getStatus()).as(s.getName()).isEqualTo(Status.DONE));
        assertThat(run.stage("sign-checksums").orElseThrow().getReason()).isEqualTo("no signing key configured (signing.key, signing.minisign.key)");
        Path dir = out.resolve("2026.04");
        JsonNode manifest = Fixtures.YAML.readTree(dir.resolve("suite-2026.04.yaml").toFile());

        // Images: every tag of every module resolves, for skopeo and the registry's API, to the manifest's digest.
        assertThat(manifest.at("/modules")).hasSize(9);
        for (JsonNode module : manifest.at("/modules")) {
            JsonNode image = module.get("image");
            String name = "stella-ops.org/" + module.get("name").asText().toLowerCase();
            assertThat(image.get("repository").asText()).isEqualTo(registry.hostPort() + "/" + name);
            assertThat(image.get("registry").asText()).isEqualTo(registry.baseUrl());
            assertThat(registryTags(name)).containsExactlyInAnyOrder("2026.04", "edge", "latest");
            for (String tag : List.of("2026.04", "edge", "latest")) {
                assertThat(skopeoDigest(name, tag)).as(name + ":" + tag).isEqualTo(image.get("digest").asText());
            }
        }
        // The chart as an OCI artifact, in Helm's media types.
        JsonNode chartManifest = JSON.readTree(LocalRegistry.run(List.of("skopeo", "inspect", "--raw", "--tls-verify=false",
                "docker://" + registry.hostPort() + "/stella-ops.org/charts/stellaops:2026.04")));
        assertThat(chartManifest.at("/config/mediaType").asText()).isEqualTo("application/vnd.cncf.helm.config.v1+json");
        assertThat(chartManifest.at("/layers/0/mediaType").asText()).isEqualTo("application/vnd.cncf.helm.chart.content.v1.tar+gzip");
        assertThat(chartManifest.at("/layers/0/size").asLong()).isEqualTo(Files.size(dir.resolve("helm/stellaops-2026.04.tgz")));
        assertThat(manifest.at("/helm/oci/digest").asText()).isEqualTo(skopeoDigest("stella-ops.org/charts/stellaops", "2026.04"));

        // Gitea: one release, prerelease (edge), titled, its body the changelog section and the stage table; every asset once.
        assertThat(gitea.releaseCount()).isEqualTo(1);
        Map<String, List<Long>> assets = gitea.assets(TAG);
        List<String> sboms = new java.util.ArrayList<>(List.of("suite-2026.04.cdx.json"));
        manifest.at("/sbom/modules").forEach(m -> sboms.add(Path.of(m.get("file").asText()).getFileName().toString()));
        assertThat(sboms).hasSize(10).contains("authority-" + Files.readString(workspace.resolve("src/Authority/version.txt")).strip() + ".cdx.json");
        assertThat(assets.keySet()).containsExactlyInAnyOrderElementsOf(Stream.concat(Stream.of("suite-2026.04.yaml", "SHA256SUMS-2026.04.txt",
                "stella-2026.04-linux-x64.tar.gz", "stella-2026.04-linux-arm64.tar.gz", "stella-2026.04-win-x64.zip",
                "stella-2026.04-osx-x64.tar.gz", "stella-2026.04-osx-arm64.tar.gz", "stellaops-2026.04.tgz"), sboms.stream()).toList());
        assertThat(assets.get("suite-2026.04.yaml")).containsExactly(Files.size(dir.resolve("suite-2026.04.yaml")));
        assertThat(assets.values()).allSatisfy(sizes -> assertThat(sizes).hasSize(1));
        assertThat(gitea.nugetPackages()).hasSize(9).doesNotHaveDuplicates().contains("StellaOps.Authority@"
                + Files.readString(workspace.resolve("src/Authority/version.txt")).strip());
        assertThat(gitea.helmCharts()).containsExactly("stellaops@2026.04");
        assertThat(gitea.violations()).as("requests breaking Gitea's swagger or the package rules").isEmpty();
        StepResult release = run.stage("create-release").orElseThrow().getSteps().get(0);
        assertThat(release.details()).containsEntry("outcome", "created");

        // The plan lists exactly the Gitea writes that were sent, in order, with their queries (the release id aside).
        JsonNode plan = JSON.readTree(dir.resolve("release-plan.json").toFile());
        assertThat(plan.get("dryRun").asBoolean()).isFalse();
        List<JsonNode> planned = List.of(JSON.treeToValue(plan.get("requests"), JsonNode[].class));
        List<String> plannedGitea = planned.stream()
                .filter(r -> r.get("url").asText().startsWith(gitea.baseUrl().toString()))
                .map(r -> r.get("method").asText() + " " + r.get("url").asText().substring(gitea.baseUrl().toString().length()))
                .toList();
        List<String> sent = gitea.requests().stream().filter(r -> r.write())
                .map(r -> r.method() + " " + r.path().replaceAll("/releases/\\d+(?=/|$)", "/releases/{id}")
                        + (r.query() == null ? "" : "?" + r.query())).toList();
        truth.assertThat(plannedGitea).as("Gitea writes planned vs received").containsExactlyElementsOf(sent);
        // The registry's writes, from its own access log, per repository (images are pushed in parallel).
        truth.assertThat(registryWrites()).as("registry writes received vs planned").isEqualTo(plannedRegistryWrites(planned));
        // The release was created a draft and published by the last write, once every asset was on it.
        JsonNode create = planned.stream().filter(r -> r.get("stage").asText().equals("create-release")).findFirst().orElseThrow();
        truth.assertThat(create.at("/json/draft").asBoolean()).as("created as a draft").isTrue();
        truth.assertThat(sent.get(sent.size() - 1)).isEqualTo("PATCH /api/v1/repos/stella-ops.org/git.stella-ops.org/releases/{id}");
        truth.assertThat(gitea.draft(TAG)).as("the release is published").contains(false);
        assertThat(plan.at("/requests/0/stage").asText()).isEqualTo("publish-nuget");
        assertThat(Files.readString(dir.resolve("release-plan.json"))).doesNotContain(TOKEN);
        assertThat(Files.readString(dir.resolve("suite-2026.04.yaml"))).doesNotContain(TOKEN);
        assertThat(Files.readString(dir.resolve("state.json"))).doesNotContain(TOKEN);

        // Released again: the release is found through 409, every asset and package is already there, no blob is sent.
        long writesBefore = gitea.requests().stream().filter(r -> r.write()).count();
        ReleaseRun again = release(TAG, true);
        assertThat(again.getFailure()).isNull();
        assertThat(again.stage("publish-nuget").orElseThrow().getSteps())
                .allSatisfy(s -> assertThat(s.details()).containsEntry("outcome", "skipped-duplicate"));
        // summary.md says what happened: a package the feed had is skipped-duplicate, not done.
        String summary = Files.readString(dir.resolve("summary.md"));
        truth.assertThat(summary).contains("| Authority | skipped-duplicate |");
        truth.assertThat(summary.lines().filter(l -> l.contains("| skipped-duplicate |")).count())
                .as("summary rows of packages already there").isEqualTo(9 + 1);
        truth.assertThat(again.stage("publish-helm").orElseThrow().getSteps()).filteredOn(s -> s.name().equals("gitea"))
                .singleElement().satisfies(s -> assertThat(s.details()).containsEntry("outcome", "skipped-duplicate"));
        assertThat(again.stage("push-containers").orElseThrow().getSteps())
                .allSatisfy(s -> assertThat(s.details()).containsEntry("uploadedBlobs", "0"));
        assertThat(again.stage("create-release").orElseThrow().getSteps().get(0).details())
                .containsEntry("outcome", "existed").containsEntry("uploaded", "").containsEntry("replaced", "");
        assertThat(gitea.releaseCount()).isEqualTo(1);
        assertThat(gitea.assets(TAG).values()).allSatisfy(sizes -> assertThat(sizes).hasSize(1));
        assertThat(stored("PUT", "/api/packages/.*/nuget/")).isEqualTo(9);
        assertThat(stored("POST", ASSETS)).isEqualTo(8 + 10);
        // Only the 409-answered writes: 9 NuGet pushes, the release. The chart is found through the package API and
        // not sent again. The manifest and SHA256SUMS (releasedAt changed, same size) are skipped as the same name and size.
        long rerunWrites = gitea.requests().stream().filter(r -> r.write()).count() - writesBefore;
        truth.assertThat(rerunWrites).as("writes of the re-run").isEqualTo(9 + 1);
        truth.assertThat(stored("POST", "/api/packages/.*/helm/api/charts")).isEqualTo(1);
        truth.assertThat(gitea.requests().stream().filter(r -> r.method().equals("POST") && r.path().endsWith("/helm/api/charts")))
                .as("chart uploads sent").hasSize(1);
        assertThat(gitea.violations()).isEmpty();

        // The verify command: on disk, and where it was published.
        Result local = verify(dir.toString());
        assertThat(local.code()).as(local.err()).isZero();
        assertThat(local.out()).contains("ok   local: cli/stella-2026.04-linux-x64.tar.gz: sha256 matches");
        Result remote = verify(dir.resolve("suite-2026.04.yaml").toString(), "--remote", "--config", configFile().toString());
        assertThat(remote.code()).as(remote.err()).isZero();
        assertThat(remote.out()).contains("resolves to " + manifest.at("/modules/0/image/digest").asText())
                .contains("release asset stellaops-2026.04.tgz: listed once").contains("NuGet StellaOps.Authority")
                .doesNotContain(TOKEN);

        // A tampered file is found on disk; an asset removed from the release is found remotely.
        Path archive = dir.resolve("cli/stella-2026.04-linux-x64.tar.gz");
        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(archive, bytes);
        Result tampered = verify(dir.toString());
        assertThat(tampered.code()).isEqualTo(1);
        assertThat(tampered.err()).containsPattern("FAIL local: cli/stella-2026.04-linux-x64.tar.gz: sha256 \\w+ size \\d+, the manifest says")
                .contains("listed in SHA256SUMS-2026.04.txt with another sha256");
        assertThat(tampered.err()).contains("FAIL local: cli/stella-2026.04-linux-x64.tar.gz: sha256 is ")
                .contains("3 problem(s)").doesNotContain("osx-x64"); // SUMS line, manifest sha256, SUMS vs manifest

        Result noRelease = verify(tmp.resolve("nothing-here").toString());
        assertThat(noRelease.code()).isEqualTo(2);

        // Remote: an asset deleted from the release behind our back.
        var client = new io.stellarelease.clients.GiteaClient(gitea.baseUrl(), io.stellarelease.clients.Secret.of(TOKEN),
                io.stellarelease.clients.RetryPolicy.none(), false);
        long releaseId = client.getReleaseByTag(OWNER, REPO, TAG).orElseThrow().id();
        long chartAsset = client.listAssets(OWNER, REPO, releaseId).stream()
                .filter(a -> a.name().equals("stellaops-2026.04.tgz")).findFirst().orElseThrow().id();
        client.deleteAsset(OWNER, REPO, releaseId, chartAsset);
        Result missing = verify(dir.toString(), "--remote", "--config", configFile().toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("FAIL remote: release asset stellaops-2026.04.tgz: not listed");
        assertThat(gitea.violations()).isEmpty();
        truth.assertAll();
    }

    /** Per repository, the write requests the registry logged (upload locations as {session}), in order. */
    static java.util.Map<String, List<String>> registryWrites() throws java.io.IOException {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"(POST|PUT|PATCH|DELETE) (/v2/\\S+) HTTP/1\\.1\"")
                .matcher(registry.log());
        java.util.Map<String, List<String>> writes = new java.util.TreeMap<>();
        while (m.find()) {
            String path = m.group(2).replaceAll("/blobs/uploads/[^/?]+\\?(?:_state=[^&]*&)?", "/blobs/uploads/{session}?");
            writes.computeIfAbsent(repository(path), k -> new java.util.ArrayList<>()).add(m.group(1) + " " + path);
        }
        return writes;
    }

    /** Per repository, the registry writes of release-plan.json, in order. */
    static java.util.Map<String, List<String>> plannedRegistryWrites(List<JsonNode> planned) {
        java.util.Map<String, List<String>> writes = new java.util.TreeMap<>();
        for (JsonNode r : planned) {
            String url = r.get("url").asText();
            if (url.startsWith(registry.baseUrl() + "/v2/")) {
                String path = url.substring(registry.baseUrl().length());
                writes.computeIfAbsent(repository(path), k -> new java.util.ArrayList<>()).add(r.get("method").asText() + " " + path);
            }
        }
        return writes;
    }

    private static String repository(String path) {
        return path.replaceFirst("^/v2/(.+?)/(blobs|manifests)/.*$", "$1");
    }

    record Result(int code, String out, String err) { }

    static Result verify(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] all = Stream.concat(Stream.of("verify"), Stream.of(args)).toArray(String[]::new);
            int code = StellaRelease.commandLine().execute(all);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }
}
