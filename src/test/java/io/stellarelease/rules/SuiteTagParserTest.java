package io.stellarelease.rules;

import io.stellarelease.config.ConfigLoader;
import io.stellarelease.config.ReleaseConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each suite tag rule of RELEASE_RULES.md, with the shipped configuration's defaults. */
class SuiteTagParserTest {
    private static final ReleaseConfig CONFIG = ConfigLoader.load(Path.of("config/release.yaml"));
    private final SuiteTagParser parser = new SuiteTagParser(CONFIG);

    @ParameterizedTest
    @CsvSource({
            "suite-2026.04-nova,         2026.04,   Nova,   edge,   0",
            "suite-2026.04-Nova,         2026.04,   Nova,   edge,   0",
            "suite-2026.04-NOVA-lts,     2026.04,   Nova,   lts,    0",
            "suite-2026.10-orion-stable, 2026.10,   Orion,  stable, 0",
            "suite-2027.04-pulsar-STABLE,2027.04,   Pulsar, stable, 0",
            "suite-2026.04.1,            2026.04.1, Nova,   edge,   1",
            "suite-2026.04.2-nova,       2026.04.2, Nova,   edge,   2",
            "suite-2026.04.12-nova-lts,  2026.04.12,Nova,   lts,   12",
    })
    void acceptsReleaseTags(String tag, String version, String codename, String channel, int hotfix) {
        SuiteVersion suite = parser.parse(tag);
        assertThat(suite.version()).isEqualTo(version);
        assertThat(suite.codename()).isEqualTo(codename);
        assertThat(suite.channel()).isEqualTo(channel);
        assertThat(suite.hotfix()).isEqualTo(hotfix);
        assertThat(suite.baseVersion()).isEqualTo(version.substring(0, 7));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "suite-2026.05-nova         | suite-2026.05-nova: suite month must be 04 or 10: got 05",
            "suite-2026.4-nova          | suite version must be YYYY.MM or YYYY.MM.N: got '2026.4'",
            "suite-26.04-nova           | suite version must be YYYY.MM or YYYY.MM.N: got '26.04'",
            "suite-2026.04-orion        | suite-2026.04-orion: codename for 2026.04 must be Nova: got 'orion'",
            "suite-2026.04              | suite tag must carry the codename: expected suite-2026.04-nova, got no codename",
            "suite-2026.04-lts          | suite tag must carry the codename: expected suite-2026.04-nova",
            "suite-2026.10-orion-lts    | lts releases are made in month 04 only: got 10",
            "suite-2026.04-nova-beta    | channel suffix must be -stable or -lts: got '-beta'",
            "suite-2026.04-nova-edge    | channel suffix must be -stable or -lts: got '-edge'",
            "suite-2026.04-nova-lts-x   | unexpected text after the channel: '-x'",
            "suite-2031.04-zeta         | no codename is registered for suite 2031.04",
            "suite-2026.04.0            | hotfix number must be 1 or more without leading zeros: got '0'",
            "suite-2026.04.01-nova      | hotfix number must be 1 or more without leading zeros: got '01'",
            "suite-2026.04.1-orion      | codename for 2026.04 must be Nova: got 'orion'",
            "suite-2026.04-no va        | codename must be a single word of letters: got 'no va'",
            "module-authority-v1.2.3    | suite tags start with 'suite-': got 'module-authority-v1.2.3'",
            "suite-2026.04--nova        | codename must be a single word of letters: got ''",
    })
    void rejectsBrokenTagsNamingTheRuleAndTheValue(String tag, String message) {
        assertThatThrownBy(() -> parser.parse(tag))
                .isInstanceOf(ReleaseRuleException.class)
                .hasMessageStartingWith(tag + ": ")
                .hasMessageContaining(message);
    }
}
