package io.stellarelease.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.stellarelease.rules.ModuleTagParser.ModuleTag;
import io.stellarelease.rules.SuiteVersion;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run holds one target, of the kind its tag names, and writes it where state.json always had it. */
class ReleaseRunTargetTest {

    private static ReleaseRun run(String tag) {
        return new ReleaseRun("r1", new ReleaseRequest(tag, Path.of("ws"), Path.of("out"), true, false), Instant.EPOCH);
    }

    @Test
    void aModuleRunCannotAlsoHoldASuite() {
        ReleaseRun run = run("module-authority-v1.4.1");
        run.setModule(new ModuleTag("module-authority-v1.4.1", "Authority", "1.4.1"));
        assertThatThrownBy(() -> run.setSuite(new SuiteVersion("suite-2026.04-nova", "2026.04", "2026.04", 0, "Nova", "edge")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("run r1 of module-authority-v1.4.1 is a module run: it cannot hold a suite (suite-2026.04-nova)");
        assertThat(run.getTarget()).isEqualTo(new Target.Module(new ModuleTag("module-authority-v1.4.1", "Authority", "1.4.1")));
        assertThat(run.getSuite()).isNull();
        assertThatThrownBy(run::requireSuite).hasMessageContaining("the validate stage must run before this stage");
    }

    @Test
    void theTargetIsWrittenUnderItsOldFieldName() {
        ReleaseRun run = run("suite-2026.04-nova");
        assertThat(run.isValidated()).isFalse();
        run.setSuite(new SuiteVersion("suite-2026.04-nova", "2026.04", "2026.04", 0, "Nova", "edge"));
        JsonNode json = new ObjectMapper().registerModule(new JavaTimeModule()).valueToTree(run);
        assertThat(json.path("suite").path("version").asText()).isEqualTo("2026.04");
        assertThat(json.hasNonNull("module")).isFalse();
        assertThat(json.hasNonNull("rollback")).isFalse();
        assertThat(json.has("target")).isFalse();
        assertThat(run.isValidated()).isTrue();
    }
}
