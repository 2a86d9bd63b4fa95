package io.stellarelease.pipeline;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** The log events of a logger (and the loggers under it) while open, as formatted messages. */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final Logger logger;
    private final List<String> messages = new ArrayList<>();

    private LogCapture(String name) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        this.logger = context.getLogger(name);
        setContext(context);
        start();
        logger.addAppender(this);
    }

    /** Everything logged, at any level the configuration lets through. */
    static LogCapture root() {
        return new LogCapture(Logger.ROOT_LOGGER_NAME);
    }

    static LogCapture of(String loggerName) {
        return new LogCapture(loggerName);
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        messages.add(event.getFormattedMessage());
    }

    synchronized List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        stop();
    }
}
