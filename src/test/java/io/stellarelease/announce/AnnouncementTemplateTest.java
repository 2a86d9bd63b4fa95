package io.stellarelease.announce;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnnouncementTemplateTest {
    private static final Map<String, String> VALUES = Map.of("version", "2026.04", "codename", "Nova", "links.docs", "https://d/$1");

    @Test
    void valuesAreReplacedAsTheyAreAndDoubleDollarKeepsALiteral() {
        assertThat(AnnouncementTemplate.render("t", "${codename} ${version}: ${links.docs} costs $${version} and $5", VALUES))
                .isEqualTo("Nova 2026.04: https://d/$1 costs ${version} and $5");
    }

    @Test
    void anUnknownValueIsAnErrorNamingItAndTheKnownOnes() {
        assertThatThrownBy(() -> AnnouncementTemplate.render("config/announcement.md", "${verison}", VALUES))
                .hasMessage("config/announcement.md: unknown value ${verison}: one of codename, links.docs, version (write $${ for a literal ${)");
    }
}
