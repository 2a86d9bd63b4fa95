package io.stellarelease.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Camel's own ERROR report of a CamelContext that failed to start ({@code Error starting CamelContext ... due
 * to exception thrown}, with its stack trace): every command that starts Camel reports the failure itself, once, as
 * one line per problem with the route file ({@code configuration error: routes/pipeline.yaml:15: ...}, exit 2), so
 * Camel's report only said the same thing a second time, with a stack. The stack is logged at DEBUG by
 * {@code io.stellarelease.app.CamelApp}.
 */
public class ReportedStartFailures extends TurboFilter {
    static final String CAMEL_CONTEXT_LOGGER = "org.apache.camel.impl.engine.AbstractCamelContext";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level == Level.ERROR && logger != null && CAMEL_CONTEXT_LOGGER.equals(logger.getName())
                && format != null && format.startsWith("Error starting CamelContext")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
