package io.stellarelease.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.event.KeyValuePair;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JSON object per line for log shippers: time, level, logger, thread, message, then the event's
 * key-value pairs (e.g. run, tag, stage, status, durationMs) and MDC entries as fields of their own.
 */
public class JsonLayout extends LayoutBase<ILoggingEvent> {
    private final ObjectMapper json = new ObjectMapper();

    @Override
    public String doLayout(ILoggingEvent event) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        line.put("level", event.getLevel().toString());
        line.put("logger", event.getLoggerName());
        line.put("thread", event.getThreadName());
        line.put("message", event.getFormattedMessage());
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair pair : event.getKeyValuePairs()) {
                line.putIfAbsent(pair.key, pair.value);
            }
        }
        event.getMDCPropertyMap().forEach(line::putIfAbsent);
        IThrowableProxy error = event.getThrowableProxy();
        if (error != null) {
            line.put("error", ThrowableProxyUtil.asString(error));
        }
        try {
            return json.writeValueAsString(line) + "\n"; // Jackson escapes newlines: one object stays one line
        } catch (JsonProcessingException e) {
            return "{\"level\":\"ERROR\",\"message\":\"log event not serialisable\"}\n";
        }
    }
}
