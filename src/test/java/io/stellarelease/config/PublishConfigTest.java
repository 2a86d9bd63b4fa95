package io.stellarelease.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stellarelease.targets.PublishTargets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The publishing part of release.yaml: the shipped defaults, and what start-up refuses, naming the key. */
class PublishConfigTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;

    private ReleaseConfig load(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode config = (ObjectNode) YAML.readTree(Path.of("config/release.yaml").toFile());
        edit.accept(config);
        Path file = tmp.resolve("release.yaml");
        YAML.writeValue(file.toFile(), config);
        return ConfigLoader.load(file);
    }

    private static ObjectNode publish(ObjectNode c) {
        return (ObjectNode) c.get("publish");
    }

    @Test
    void theShippedConfigurationPublishesWhereReleaseRulesSays() throws Exception {
        PublishTargets targets = new PublishTargets(load(c -> { }));
        assertThat(targets.nugetPushUrl().orElseThrow()).hasToString("https://git.stella-ops.org/api/packages/stella-ops.org/nuget/");
        assertThat(targets.registryUrl()).contains("https://git.stella-ops.org");
        assertThat(targets.imageRepository("Authority")).isEqualTo("stella-ops.org/authority");
        assertThat(targets.helmToGitea()).isTrue();
        assertThat(targets.releaseEnabled()).isTrue();
        assertThat(targets.retry().maxAttempts()).isEqualTo(5);
        assertThat(targets.retry().maxTotal()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void withoutAPublishSectionNothingIsPublished() throws Exception {
        PublishTargets targets = new PublishTargets(load(c -> c.remove("publish")));
        assertThat(targets.releaseEnabled()).isFalse();
        assertThat(targets.nugetPushUrl()).isEmpty();
        assertThat(targets.registryUrl()).isEmpty();
        assertThat(targets.helmToGitea()).isFalse();
    }

    @Test
    void aMissingTokenFailsNamingTheVariableOnlyWhenARequestIsSent() throws Exception {
        PublishTargets targets = new PublishTargets(load(c -> ((ObjectNode) c.get("gitea")).putObject("token")
                .put("env", "STELLA_TEST_UNSET_TOKEN")));
        assertThat(targets.giteaClient(true)).isNotNull(); // a dry run needs no token
        assertThatThrownBy(() -> targets.giteaClient(false))
                .hasMessage("gitea.token: environment variable STELLA_TEST_UNSET_TOKEN is not set");
    }

    @Test
    void brokenPublishingSettingsStopStartUpNamingTheKey() {
        assertThatThrownBy(() -> load(c -> ((ObjectNode) c.get("gitea")).putObject("token").put("env", "A").put("file", "/b")))
                .hasMessageContaining("gitea.token: give exactly one of env");
        assertThatThrownBy(() -> load(c -> ((ObjectNode) publish(c).get("registry")).put("url", "http://127.0.0.1:5000")))
                .hasMessageContaining("plain http needs publish.registry.plainHttp: true");
        assertThatThrownBy(() -> load(c -> ((ObjectNode) publish(c).get("registry")).put("url", "http://registry.example.org")
                .put("plainHttp", true)))
                .hasMessageContaining("plain http is allowed for a loopback host only");
        assertThatThrownBy(() -> load(c -> ((ObjectNode) publish(c).get("release")).put("onDifferentAsset", "keep")))
                .hasMessageContaining("onDifferentAsset must be replace or fail: got keep");
        assertThatThrownBy(() -> load(c -> ((ObjectNode) publish(c).get("retry")).put("attempts", 0)))
                .hasMessageContaining("publish.retry.attempts must be at least 1");
        assertThatThrownBy(() -> load(c -> ((ObjectNode) publish(c).get("nuget")).put("apikey", "oops")))
                .hasMessageContaining("unknown key 'apikey'");
        assertThatThrownBy(() -> load(c -> ((ObjectNode) c.get("gitea")).put("url", "http://git.example.org")))
                .hasMessageContaining("gitea.url: plain http is allowed for a loopback host only");
    }

    @Test
    void minisignSigningIsCheckedLikeTheOpenPgpKey() throws Exception {
        ReleaseConfig config = load(c -> {
            ObjectNode m = c.putObject("signing").putObject("minisign");
            m.putObject("key").put("env", "STELLA_MINISIGN_KEY_SECRET");
            m.putObject("passphrase").put("file", "/run/secrets/minisign-password");
            m.put("publicKey", "keys/release.pub");
        });
        assertThat(config.signing().hasMinisign()).isTrue();
        assertThat(config.signing().openPgp()).isFalse();
        assertThat(config.signing().minisign().publicKey()).isEqualTo("keys/release.pub");
        assertThatThrownBy(() -> load(c -> c.putObject("signing").putObject("minisign").putObject("passphrase").put("env", "P")))
                .hasMessageContaining("signing.minisign.passphrase is set but signing.minisign.key is not");
        assertThatThrownBy(() -> load(c -> c.putObject("signing").putObject("minisign").putObject("key").put("env", "A").put("file", "/b")))
                .hasMessageContaining("signing.minisign.key: give exactly one of env");
        assertThatThrownBy(() -> load(c -> c.putObject("signing").putObject("minisign").put("secretKey", "RWQ...")))
                .hasMessageContaining("unknown key 'secretKey'");
    }
}
