package io.stellarelease.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

import java.util.Locale;

/** Lets an appender write only in its log format, so logback.xml can hold both and the option picks one. */
public class FormatFilter extends Filter<ILoggingEvent> {
    private LogFormat format = LogFormat.TEXT;
    private volatile boolean active;

    public void setFormat(String format) {
        this.format = LogFormat.valueOf(format.toUpperCase(Locale.ROOT));
    }

    @Override
    public void start() {
        active = LogFormat.current() == format; // decided when logging is (re)configured
        super.start();
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        return active ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
