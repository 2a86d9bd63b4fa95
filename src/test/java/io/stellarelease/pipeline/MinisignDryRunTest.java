package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.signchecksums.Minisign;
import io.stellarelease.signchecksums.MinisignTool;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dry run with only a minisign key ({@code minisign -G -W}, unencrypted, no OpenPGP key): the checksums are signed
 * with minisign alone, {@code minisign -V} accepts the signature, the plan uploads it as a release asset, nothing is
 * sent; {@code verify} accepts it with the key's public key and fails with another key's, naming the file and why.
 */
class MinisignDryRunTest extends PublishingTestSupport {

    static Path keys;
    static MinisignTool.Keys minisign;
    static MinisignTool.Keys other;

    @BeforeAll
    static void makeKeys() throws Exception {
        keys = Files.createTempDirectory("stella-minisign-keys-");
        minisign = MinisignTool.generate(keys, "release", null);
        other = MinisignTool.generate(keys, "other", null);
    }

    @AfterAll
    static void removeKeys() {
        Fixtures.run(keys.getParent(), "rm", "-rf", keys.toString());
    }

    @Override
    protected void configure(ObjectNode config) {
        super.configure(config);
        ObjectNode mini = config.putObject("signing").putObject("minisign");
        mini.putObject("key").put("file", minisign.secretKey().toString());
        mini.put("publicKey", minisign.publicKey().toString());
    }

    @Test
    void aDryRunSignsWithMinisignAlonePlansTheUploadAndVerifyNamesAWrongKey() throws Exception {
        ReleaseRun run = release(TAG, true, true);

        assertThat(run.getFailure()).isNull();
        var stage = run.stage("sign-checksums").orElseThrow();
        assertThat(stage.getStatus()).isEqualTo(Status.DONE);
        assertThat(stage.getSteps()).extracting(s -> s.name()).containsExactly("minisign");
        String keyId = Minisign.publicKey(Files.readString(minisign.publicKey())).id();
        assertThat(stage.getSteps().get(0).details()).containsEntry("keyId", keyId)
                .containsEntry("file", "SHA256SUMS-2026.04.txt.minisig");
        assertThat(gitea.requests()).as("requests sent to Gitea in a dry run").isEmpty();

        Path dir = out.resolve("2026.04");
        Path sums = dir.resolve("SHA256SUMS-2026.04.txt");
        Path minisig = dir.resolve("SHA256SUMS-2026.04.txt.minisig");
        assertThat(dir.resolve("SHA256SUMS-2026.04.txt.asc")).as("no OpenPGP key, no .asc").doesNotExist();
        MinisignTool.Result good = MinisignTool.verify(sums, minisig, minisign.publicKey());
        assertThat(good.code()).as(good.out()).isZero();
        assertThat(good.out()).contains("Signature and comment signature verified");
        // Not in SHA256SUMS (it is what the signature covers).
        assertThat(Files.readString(sums)).doesNotContain(".minisig");

        // The plan uploads the signature as a release asset, beside the checksums.
        JsonNode plan = JSON.readTree(dir.resolve("release-plan.json").toFile());
        List<String> urls = List.of(JSON.treeToValue(plan.get("requests"), JsonNode[].class)).stream()
                .filter(r -> r.get("stage").asText().equals("create-release")).map(r -> r.get("url").asText()).toList();
        assertThat(urls).anySatisfy(u -> assertThat(u).endsWith("/assets?name=SHA256SUMS-2026.04.txt.minisig"))
                .anySatisfy(u -> assertThat(u).endsWith("/assets?name=SHA256SUMS-2026.04.txt"))
                .noneSatisfy(u -> assertThat(u).endsWith(".asc"));

        // verify with the configured public key checks it; with another key it fails, naming the file and the key.
        PublishReleaseTest.Result verified = PublishReleaseTest.verify(dir.toString(), "--config", configFile().toString());
        assertThat(verified.code()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("ok   local: SHA256SUMS-2026.04.txt: minisign signature by key " + keyId + " verifies");
        String otherId = Minisign.publicKey(Files.readString(other.publicKey())).id();
        PublishReleaseTest.Result wrong = PublishReleaseTest.verify(dir.toString(), "--config", configFile().toString(),
                "--minisign-public-key", other.publicKey().toString());
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.err()).contains("FAIL local: SHA256SUMS-2026.04.txt.minisig: made by key " + keyId
                + ", which is not the configured public key " + otherId);
        // And minisign itself agrees.
        assertThat(MinisignTool.verify(sums, minisig, other.publicKey()).code()).isNotZero();
    }
}
