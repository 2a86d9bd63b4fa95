package io.stellarelease.dispatch;

import java.util.Map;
import java.util.Set;

import static io.stellarelease.dispatch.DispatchMessages.MESSAGE;
import static io.stellarelease.dispatch.MessageText.MAX_VALUE_CHARS;
import static io.stellarelease.dispatch.MessageText.show;

/**
 * A message's fields as written, and the typed reading of one field: a text (blank = left out, at most
 * {@value MessageText#MAX_VALUE_CHARS} characters) or a boolean ({@code true}/{@code false} only).
 */
final class MessageFields {

    enum Type { STRING, NUMBER, BOOLEAN, NULL, OBJECT, ARRAY }

    /** A field's value as written: its kind and its text. */
    record Value(Type type, String text) { }

    private static final Set<String> YAML_BOOLEANS = Set.of("true", "True", "TRUE", "false", "False", "FALSE");

    private final Map<String, Value> fields;

    MessageFields(Map<String, Value> fields) {
        this.fields = fields;
    }

    Set<String> names() {
        return fields.keySet();
    }

    boolean has(String name) {
        return fields.containsKey(name);
    }

    /** A text field as written (a YAML or JSON number keeps its written form); null when absent, null or blank. */
    String text(String name) {
        Value v = fields.get(name);
        if (v == null || v.type() == Type.NULL) {
            return null;
        }
        if (v.type() == Type.OBJECT || v.type() == Type.ARRAY) {
            throw new DispatchException(MESSAGE, name + " must be a string: got " + describe(v));
        }
        if (v.text().isBlank()) {
            return null;
        }
        int length = v.text().codePointCount(0, v.text().length());
        if (length > MAX_VALUE_CHARS) {
            throw new DispatchException(MESSAGE, name + " must be at most " + MAX_VALUE_CHARS + " characters: got "
                    + length + " characters");
        }
        return v.text();
    }

    boolean bool(String name, boolean defaultValue) {
        Value v = fields.get(name);
        if (v == null) {
            return defaultValue;
        }
        boolean real = v.type() == Type.BOOLEAN && YAML_BOOLEANS.contains(v.text());
        boolean form = v.type() == Type.STRING && (v.text().equals("true") || v.text().equals("false"));
        if (!real && !form) {
            throw new DispatchException(MESSAGE, name + " must be true or false: got " + describe(v));
        }
        return v.text().equalsIgnoreCase("true");
    }

    String describe(String name) {
        return describe(fields.get(name));
    }

    static String describe(Value v) {
        return switch (v.type()) {
            case STRING -> "'" + show(v.text()) + "'";
            case NUMBER, BOOLEAN -> show(v.text());
            case NULL -> "null";
            case OBJECT -> "an object";
            case ARRAY -> "a list";
        };
    }
}
