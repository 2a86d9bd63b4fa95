package io.stellarelease.intake;

import java.util.regex.Pattern;

/**
 * First look at a tag name from outside: before a tag reaches a message, a log, a path or a command's
 * environment it must be short and made of characters no shell, path or log treats specially.
 * Whether it is a valid suite tag is the release rules' business, not this class's.
 */
public final class TagNames {
    public static final int MAX_LENGTH = 128;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

    private TagNames() {
    }

    /** Returns {@code tag} unchanged, or answers 422 naming it in a form that is safe to print. */
    public static String requireSafe(String tag) {
        if (tag == null || !SAFE.matcher(tag).matches()) {
            throw new HttpAnswerException(422, "tag '" + UntrustedText.display(tag, MAX_LENGTH)
                    + "' has characters a release tag cannot have");
        }
        return tag;
    }

    /** Tags that start releases: suites ({@code suite-...}) and single modules ({@code module-...}). */
    public static boolean isReleaseTag(String tag) {
        return tag != null && (tag.startsWith("suite-") || tag.startsWith("module-"));
    }
}
