package io.stellarelease.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/** How the command line logs: {@code text} for people, {@code json} (one object per line) for log shippers. */
public enum LogFormat {
    TEXT, JSON;

    public static final String PROPERTY = "STELLA_LOG_FORMAT";

    /** The format asked for by system property or environment, text when neither says. */
    public static LogFormat current() {
        String value = System.getProperty(PROPERTY, System.getenv(PROPERTY));
        return value != null && value.strip().equalsIgnoreCase("json") ? JSON : TEXT;
    }

    /** Switches logging to this format before anything runs (logback.xml reads the property). */
    public void apply() {
        System.setProperty(PROPERTY, name().toLowerCase(Locale.ROOT));
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                throw new IllegalStateException("logging configuration failed: " + e.getMessage(), e);
            }
        }
    }
}
