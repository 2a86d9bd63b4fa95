package io.stellarelease.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The logging set-up, in code: one console appender in the chosen {@link LogFormat} (text on stderr,
 * JSON on stdout) and the levels below. Reading an XML file instead costs logback's Joran parser, about
 * 0.4 s of every start (a profile of {@code release}). A file given with {@code -Dlogback.configurationFile}
 * still wins: {@code config/logback.xml} is this set-up as XML, to start from.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public class LogSetup extends ContextAwareBase implements Configurator {
    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} [%level] %logger{0} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LogFormat format = LogFormat.current();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName(format.name().toLowerCase(java.util.Locale.ROOT));
        console.setTarget(format == LogFormat.JSON ? "System.out" : "System.err");
        console.setEncoder(encoder(context, format));
        console.start();

        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(console);
        // Camel's start-up and shutdown chatter is noise in a one-shot release; warnings still show.
        context.getLogger("org.apache.camel").setLevel(Level.WARN);
        // A non-zero exit is a step outcome that stella-release records and reports itself.
        context.getLogger("org.apache.camel.component.exec.ExecProducer").setLevel(Level.OFF);
        // The JSON schema validator the CycloneDX library uses warns, on every SBOM checked, that the CycloneDX schema
        // uses the keyword "deprecated": not about the SBOM, which the sboms stage checks and reports itself.
        context.getLogger("com.networknt.schema.keyword.UnknownKeywordFactory").setLevel(Level.ERROR);
        // A CamelContext that fails to start is reported by the command, once; Camel's own report would repeat it.
        ReportedStartFailures startFailures = new ReportedStartFailures();
        startFailures.setContext(context);
        startFailures.start();
        context.addTurboFilter(startFailures);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format) {
        if (format == LogFormat.JSON) {
            JsonLayout layout = new JsonLayout();
            layout.setContext(context);
            layout.start();
            LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
            encoder.setContext(context);
            encoder.setLayout(layout);
            encoder.start();
            return encoder;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }
}
