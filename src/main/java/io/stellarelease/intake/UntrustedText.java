package io.stellarelease.intake;

/**
 * Makes text from a request safe to put in a message or a log: bounded length and printable ASCII only,
 * so a hostile value cannot forge log lines (newlines), hide itself (bidi controls) or flood an answer.
 */
public final class UntrustedText {
    private UntrustedText() {
    }

    /** At most {@code max} characters of {@code text}, anything outside printable ASCII replaced by '?'. */
    public static String display(String text, int max) {
        if (text == null) {
            return "";
        }
        String cut = text.length() > max ? text.substring(0, max) : text;
        StringBuilder out = new StringBuilder(cut.length() + 3);
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            out.append(c >= 0x20 && c <= 0x7e ? c : '?');
        }
        if (text.length() > max) {
            out.append("...");
        }
        return out.toString();
    }
}
