package io.stellarelease.rules;

import io.stellarelease.config.ReleaseConfig;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses and checks suite tags: {@code suite-YYYY.MM-<codename>[-stable|-lts]} and hotfixes
 * {@code suite-YYYY.MM.N[-<codename>][-stable|-lts]}. Each rule fails on its own with its own message,
 * rather than one regular expression that can only say "no".
 */
public final class SuiteTagParser {

    public static final String PREFIX = "suite-";
    private static final List<String> CHANNEL_SUFFIXES = List.of("stable", "lts");

    private final ReleaseConfig config;

    public SuiteTagParser(ReleaseConfig config) {
        this.config = config;
    }

    public static boolean isSuiteTag(String tag) {
        return tag != null && tag.startsWith(PREFIX);
    }

    public SuiteVersion parse(String tag) {
        if (tag == null || tag.isBlank()) {
            throw new ReleaseRuleException("(empty tag)", "a suite tag is required, e.g. suite-2026.04-nova");
        }
        if (!isSuiteTag(tag)) {
            throw new ReleaseRuleException(tag, "suite tags start with '" + PREFIX + "': got '" + tag + "'");
        }
        String[] parts = tag.substring(PREFIX.length()).split("-", -1);
        String versionText = parts[0];
        SuiteVersion.Parts v = SuiteVersion.parseVersion(tag, versionText);
        String month = v.month();
        String baseVersion = v.baseVersion();
        int hotfix = v.hotfix();
        List<String> months = config.rules().suiteMonths();
        if (!months.contains(month)) {
            throw new ReleaseRuleException(tag, "suite month must be " + String.join(" or ", months) + ": got " + month);
        }
        String version = v.version();

        // After the version: an optional codename, then an optional channel suffix.
        String codenameInTag = null;
        String channel = "edge";
        int i = 1;
        if (i < parts.length && !CHANNEL_SUFFIXES.contains(parts[i].toLowerCase(Locale.ROOT))) {
            codenameInTag = parts[i++];
            if (!codenameInTag.matches("[A-Za-z]+")) {
                throw new ReleaseRuleException(tag, "codename must be a single word of letters: got '" + codenameInTag + "'");
            }
        }
        if (i < parts.length) {
            String suffix = parts[i++].toLowerCase(Locale.ROOT);
            if (!CHANNEL_SUFFIXES.contains(suffix)) {
                throw new ReleaseRuleException(tag, "channel suffix must be -stable or -lts: got '-" + parts[i - 1] + "'");
            }
            channel = suffix;
        }
        if (i < parts.length) {
            throw new ReleaseRuleException(tag, "unexpected text after the channel: '-" + String.join("-", List.of(parts).subList(i, parts.length)) + "'");
        }

        Optional<String> registered = config.codenameFor(baseVersion);
        if (registered.isEmpty()) {
            throw new ReleaseRuleException(tag, "no codename is registered for suite " + baseVersion
                    + " (add it to codenames in the release configuration)");
        }
        if (codenameInTag == null) {
            if (hotfix == 0) {
                throw new ReleaseRuleException(tag, "suite tag must carry the codename: expected suite-" + version + "-"
                        + registered.get().toLowerCase(Locale.ROOT) + ", got no codename");
            }
        } else {
            if (!codenameInTag.equalsIgnoreCase(registered.get())) {
                throw new ReleaseRuleException(tag, "codename for " + baseVersion + " must be " + registered.get()
                        + ": got '" + codenameInTag + "'");
            }
        }
        return new SuiteVersion(tag, version, baseVersion, hotfix, registered.get(), checkChannel(tag, channel, month));
    }

    /** Checks a channel requested by tag or by a dispatch message against the configured channels and their months. */
    public String checkChannel(String subject, String channel, String month) {
        ReleaseConfig.Channel rules = config.channels().get(channel);
        if (rules == null) {
            throw new ReleaseRuleException(subject, "channel must be one of " + String.join(", ", config.channels().keySet())
                    + ": got '" + channel + "'");
        }
        if (!rules.months().isEmpty() && !rules.months().contains(month)) {
            throw new ReleaseRuleException(subject, channel + " releases are made in month " + String.join(" or ", rules.months())
                    + " only: got " + month);
        }
        return channel;
    }
}
