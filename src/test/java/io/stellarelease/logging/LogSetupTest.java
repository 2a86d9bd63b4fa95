package io.stellarelease.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in logging set-up: one appender in the chosen format, Camel quiet, and an XML file still wins. */
class LogSetupTest {
    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void clearProperties() {
        System.clearProperty(LogFormat.PROPERTY);
        System.clearProperty("logback.configurationFile");
        context.stop();
    }

    @Test
    void textGoesToStandardErrorWithCamelAtWarn() {
        assertThat(new LogSetup().configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        ConsoleAppender<?> console = onlyConsoleAppender();
        assertThat(console.getTarget()).isEqualTo("System.err");
        assertThat(console.isStarted()).isTrue();
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("org.apache.camel.impl").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.apache.camel.component.exec.ExecProducer").getEffectiveLevel()).isEqualTo(Level.OFF);
        assertThat(context.getLogger("io.stellarelease.service").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void jsonGoesToStandardOutThroughTheJsonLayout() {
        System.setProperty(LogFormat.PROPERTY, "json");
        new LogSetup().configure(context);
        ConsoleAppender<?> console = onlyConsoleAppender();
        assertThat(console.getTarget()).isEqualTo("System.out");
        assertThat(console.getEncoder()).isInstanceOfSatisfying(LayoutWrappingEncoder.class,
                e -> assertThat(e.getLayout()).isInstanceOf(JsonLayout.class));
    }

    @Test
    void aConfigurationFileGivenOnTheCommandLineIsLeftToLogback() {
        System.setProperty("logback.configurationFile", "config/logback.xml");
        assertThat(new LogSetup().configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(appenders()).isEmpty();
    }

    private ConsoleAppender<?> onlyConsoleAppender() {
        List<Appender<?>> all = appenders();
        assertThat(all).hasSize(1).first().isInstanceOf(ConsoleAppender.class);
        return (ConsoleAppender<?>) all.get(0);
    }

    private List<Appender<?>> appenders() {
        List<Appender<?>> all = new ArrayList<>();
        context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(all::add);
        return all;
    }
}
