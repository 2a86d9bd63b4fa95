package io.stellarelease.dispatch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.rules.SuiteTagParser;
import io.stellarelease.rules.SuiteVersion;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import static io.stellarelease.dispatch.DispatchMessages.MESSAGE;
import static io.stellarelease.dispatch.MessageText.show;

/**
 * The suite release form: its fields to a {@link SuiteDispatch} and back. The message is checked by building its
 * tag and running {@link SuiteTagParser} on it, so months, codenames, the lts month and hotfixes follow exactly the
 * tag rules; the version's shape is checked first, by the same {@link SuiteVersion#parseVersion}, so that no field can
 * add tag parts.
 */
final class SuiteMessage {

    static final String EDGE = "edge";
    private static final Pattern CODENAME = Pattern.compile("[A-Za-z]+");
    // Words SuiteTagParser reads as a channel suffix where a codename would stand.
    private static final Set<String> TAG_CHANNEL_WORDS = Set.of("stable", "lts");

    private final ReleaseConfig config;
    private final SuiteTagParser tags;

    SuiteMessage(ReleaseConfig config) {
        this.config = config;
        this.tags = new SuiteTagParser(config);
    }

    SuiteDispatch read(MessageFields fields) {
        String version = fields.text("version");
        String codename = fields.text("codename");
        String channel = fields.text("channel");
        boolean skipTests = fields.bool("skipTests", false);
        boolean dryRun = fields.bool("dryRun", false);
        channel = channel == null ? EDGE : configuredChannel(channel);
        if (version == null) {
            throw new DispatchException(MESSAGE, "version is required, e.g. \"2026.04\"");
        }

        String subject = "dispatch suite " + show(version);
        boolean hotfix;
        try {
            hotfix = SuiteVersion.parseVersion(subject, version).hotfix() > 0;
        } catch (ReleaseRuleException e) {
            throw new DispatchException(subject, e.rule().replace("'" + version + "'", "'" + show(version) + "'"), e);
        }
        if (codename != null && !CODENAME.matcher(codename).matches()) {
            throw new DispatchException(subject, "codename must be a single word of letters: got '" + show(codename) + "'");
        }
        boolean channelWord = codename != null && TAG_CHANNEL_WORDS.contains(codename.toLowerCase(Locale.ROOT));
        if ((codename == null && !hotfix) || channelWord) {
            // A tag cannot say this (suite-2026.04-lts reads as channel lts): check the version, month and channel
            // with a tag that needs no codename, then report the codename.
            String probeVersion = hotfix ? version : version + ".1";
            SuiteVersion probe = parseTag(subject, new SuiteDispatch(probeVersion, null, channel, false, false).tag());
            if (codename == null) {
                throw new DispatchException(subject, "codename is required for suite " + version + ": expected " + probe.codename());
            }
            throw new DispatchException(subject, "codename for " + probe.baseVersion() + " must be " + probe.codename()
                    + ": got '" + codename + "'");
        }

        // The tag with the codename as written (tags are case-insensitive), so that a rejection quotes it as sent.
        String tag = "suite-" + version + (codename != null ? "-" + codename : "") + (channel.equals(EDGE) ? "" : "-" + channel);
        SuiteVersion suite = parseTag(subject, tag);
        if (!suite.version().equals(version) || !suite.channel().equals(channel)
                || (codename != null && !suite.codename().equalsIgnoreCase(codename))) {
            throw new DispatchException(subject, "tag " + tag + " does not carry this message (version " + version
                    + ", codename " + codename + ", channel " + channel + ")");
        }
        return new SuiteDispatch(suite.version(), suite.codename(), suite.channel(), skipTests, dryRun);
    }

    static void write(SuiteDispatch s, ObjectNode node) {
        node.put("version", s.version());
        if (s.codename() != null) {
            node.put("codename", s.codename());
        }
        node.put("channel", s.channel() != null ? s.channel() : EDGE);
        node.put("skipTests", s.skipTests());
        node.put("dryRun", s.dryRun());
    }

    private SuiteVersion parseTag(String subject, String tag) {
        try {
            return tags.parse(tag);
        } catch (ReleaseRuleException e) {
            throw new DispatchException(subject, e.rule(), e);
        }
    }

    private String configuredChannel(String channel) {
        return config.channels().keySet().stream()
                .filter(name -> name.equalsIgnoreCase(channel))
                .findFirst()
                .orElseThrow(() -> new DispatchException(MESSAGE, "channel must be one of "
                        + String.join(", ", config.channels().keySet()) + ": got '" + show(channel) + "'"));
    }
}
