package io.stellarelease.app;

import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.TypeConversionException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The text-to-{@link LoggingLevel} converter ReleaseBeans registers (so that Camel's route creation does not walk its
 * whole converter registry for each node's error handler): it reads levels as Camel's enum conversion does, and the
 * real application, with the real routes, uses it.
 */
class LoggingLevelConverterTest {

    private final ReleaseBeans.LoggingLevelConverter converter = new ReleaseBeans.LoggingLevelConverter();

    @Test
    void readsALevelInAnyCaseAndTrimmed() {
        assertThat(converter.convertTo(LoggingLevel.class, "DEBUG")).isEqualTo(LoggingLevel.DEBUG);
        assertThat(converter.convertTo(LoggingLevel.class, "warn")).isEqualTo(LoggingLevel.WARN);
        assertThat(converter.convertTo(LoggingLevel.class, " Off\n")).isEqualTo(LoggingLevel.OFF);
    }

    @Test
    void anUnknownLevelIsRefusedWithTheLevelsAndTheValue() {
        assertThatThrownBy(() -> converter.convertTo(LoggingLevel.class, "LOUD"))
                .hasMessage("logging level must be one of [TRACE, DEBUG, INFO, WARN, ERROR, OFF], got 'LOUD'");
    }

    @Test
    void theApplicationWithItsRoutesConvertsLevelsWithIt() throws Exception {
        try (CamelApp app = CamelApp.start(Path.of("config/application.properties"), Path.of("config/release.yaml"))) {
            CamelContext context = app.template().getCamelContext();
            assertThat(context.getRouteController().getRouteStatus("suite-pipeline").isStarted()).isTrue();
            assertThat(context.getTypeConverterRegistry().lookup(LoggingLevel.class, String.class))
                    .isInstanceOf(ReleaseBeans.LoggingLevelConverter.class);
            assertThat(context.getTypeConverter().mandatoryConvertTo(LoggingLevel.class, "info")).isEqualTo(LoggingLevel.INFO);
            assertThatThrownBy(() -> context.getTypeConverter().mandatoryConvertTo(LoggingLevel.class, "LOUD"))
                    .isInstanceOf(TypeConversionException.class).hasStackTraceContaining("got 'LOUD'");
        }
    }
}
