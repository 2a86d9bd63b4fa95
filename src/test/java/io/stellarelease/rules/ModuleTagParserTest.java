package io.stellarelease.rules;

import io.stellarelease.config.ConfigLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModuleTagParserTest {
    private final ModuleTagParser parser = new ModuleTagParser(ConfigLoader.load(Path.of("config/release.yaml")));

    @ParameterizedTest
    @CsvSource({
            "module-authority-v1.2.3, Authority, 1.2.3",
            "module-scanner-v2.0.0-rc.1, Scanner, 2.0.0-rc.1",
            "module-notify-v0.8.3-beta.2, Notify, 0.8.3-beta.2"})
    void acceptsModuleTags(String tag, String module, String version) {
        assertThat(parser.parse(tag)).isEqualTo(new ModuleTagParser.ModuleTag(tag, module, version));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "module-authorty-v1.2.3   | module must be one of authority, signer, attestor, concelier, scanner, excititor, policy, scheduler, notify: got 'authorty'",
            "module-Authority-v1.2.3  | module names are lower case in tags: expected 'authority', got 'Authority'",
            "module-authority-v1.2    | module version must be SemVer (MAJOR.MINOR.PATCH[-prerelease]): got '1.2'",
            "module-authority-1.2.3   | module tag must be module-<name>-v<version>",
            "module-authority-v01.2.3 | module version must be SemVer"})
    void rejectsBrokenModuleTags(String tag, String message) {
        assertThatThrownBy(() -> parser.parse(tag)).isInstanceOf(ReleaseRuleException.class)
                .hasMessageStartingWith(tag + ": ").hasMessageContaining(message);
    }
}
