package io.stellarelease.dispatch;

/** How a value from a message is quoted in a rejection: control characters replaced, long values cut. */
final class MessageText {

    /** Longest accepted text field, and longest value echoed in a message. */
    static final int MAX_VALUE_CHARS = 64;
    private static final int MAX_REASON_CHARS = 160;

    private MessageText() {
    }

    /** A value for a message: control characters replaced, cut at {@value #MAX_VALUE_CHARS} characters. */
    static String show(String value) {
        if (value == null) {
            return "null";
        }
        int length = value.codePointCount(0, value.length());
        if (length <= MAX_VALUE_CHARS) {
            return clean(value);
        }
        return clean(value.substring(0, value.offsetByCodePoints(0, MAX_VALUE_CHARS))) + "... (" + length + " characters)";
    }

    static String clean(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 4 * MAX_REASON_CHARS));
        s.codePoints().limit(4L * MAX_REASON_CHARS).forEach(cp -> {
            int type = Character.getType(cp);
            boolean hidden = Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.UNASSIGNED || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR;
            b.appendCodePoint(hidden ? '?' : cp);
        });
        return b.toString();
    }

    /** A parser's reason, cut at {@value #MAX_REASON_CHARS} characters. */
    static String cut(String s) {
        return s.codePointCount(0, s.length()) <= MAX_REASON_CHARS ? s
                : s.substring(0, s.offsetByCodePoints(0, MAX_REASON_CHARS)) + "...";
    }
}
