package io.stellarelease.rules;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A validated suite release: calendar version {@code YYYY.MM} (or {@code YYYY.MM.N} for a hotfix),
 * its codename as registered, and its channel.
 */
public record SuiteVersion(String tag, String version, String baseVersion, int hotfix, String codename, String channel) {

    /**
     * The one suite-version rule (RELEASE_RULES.md): {@code YYYY.MM}, or {@code YYYY.MM.N} for a hotfix with N from 1
     * written without leading zeros. Tags, dispatch messages, rollbacks and hotfix commands all check a version
     * through {@link #parseVersion}/{@link #isVersion}, so none can accept what another refuses.
     */
    private static final Pattern VERSION = Pattern.compile("(\\d{4})\\.(\\d{2})(?:\\.(\\d+))?");

    /** A suite version's parts: {@code 2026.04} and hotfix number 0, or {@code 2026.04} and 1 for {@code 2026.04.1}. */
    public record Parts(String baseVersion, String month, int hotfix) {
        public String version() {
            return hotfix > 0 ? baseVersion + "." + hotfix : baseVersion;
        }
    }

    /**
     * Checks a suite version's shape and hotfix number (not the month or the codename: those are configured).
     *
     * @param subject what the rejection is about (the tag, or the dispatch message)
     * @throws ReleaseRuleException naming the rule and the value
     */
    public static Parts parseVersion(String subject, String text) {
        Matcher m = text == null ? null : VERSION.matcher(text);
        if (m == null || !m.matches()) {
            throw new ReleaseRuleException(subject, "suite version must be YYYY.MM or YYYY.MM.N: got '" + text + "'");
        }
        int hotfix = 0;
        if (m.group(3) != null) {
            String patch = m.group(3);
            if (patch.startsWith("0")) {
                throw new ReleaseRuleException(subject, "hotfix number must be 1 or more without leading zeros: got '" + patch + "'");
            }
            if (patch.length() > 9) {
                throw new ReleaseRuleException(subject, "hotfix number must be at most 9 digits: got '" + patch + "'");
            }
            hotfix = Integer.parseInt(patch);
        }
        return new Parts(m.group(1) + "." + m.group(2), m.group(2), hotfix);
    }

    /** Whether {@link #parseVersion} accepts the text. */
    public static boolean isVersion(String text) {
        try {
            parseVersion("", text);
            return true;
        } catch (ReleaseRuleException e) {
            return false;
        }
    }

    /** Whether the text has a suite version's shape, its hotfix number right or not ({@code 2026.04.01} has). */
    public static boolean looksLikeVersion(String text) {
        return text != null && VERSION.matcher(text).matches();
    }

    @JsonIgnore
    public boolean isHotfix() {
        return hotfix > 0;
    }

    @JsonIgnore
    public String month() {
        return baseVersion.substring(5, 7);
    }
}
