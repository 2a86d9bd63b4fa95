package io.stellarelease.announce;

import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The announcement template's one rule: {@code ${name}} is replaced by the value of that name, {@code $${} stays a literal
 * {@code ${}. A name without a value is an error naming it and the names there are, so a typo never goes out as text.
 */
public final class AnnouncementTemplate {
    private static final Pattern VALUE = Pattern.compile("\\$(\\$?)\\{([^}]*)}");

    private AnnouncementTemplate() {
    }

    public static String render(String where, String template, Map<String, String> values) {
        Matcher m = VALUE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (!m.group(1).isEmpty()) {
                replacement = "${" + m.group(2) + "}";
            } else {
                replacement = values.get(m.group(2));
                if (replacement == null) {
                    throw new IllegalArgumentException(where + ": unknown value ${" + m.group(2) + "}: one of "
                            + String.join(", ", new TreeSet<>(values.keySet())) + " (write $${ for a literal ${)");
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
