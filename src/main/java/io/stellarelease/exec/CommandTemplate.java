package io.stellarelease.exec;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A configured command's arguments with {@code ${NAME}} values filled in, one argument at a time (no shell). */
public final class CommandTemplate {

    private static final Pattern VALUE = Pattern.compile("\\$\\{([A-Z_]+)}");

    private CommandTemplate() {
    }

    /** {@code ${NAME}} replaced inside this one argument: the value never meets a shell. */
    public static String fill(String arg, Map<String, String> values) {
        Matcher m = VALUE.matcher(arg);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalStateException("command names ${" + m.group(1) + "}, which this run has no value for");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
