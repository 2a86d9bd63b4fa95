package io.stellarelease.dispatch;

import java.util.Locale;

/**
 * The suite release form: version ({@code 2026.04}, or a hotfix {@code 2026.04.1}), codename, channel
 * ({@code edge}, {@code stable}, {@code lts}), skip tests, dry run. As returned by
 * {@link DispatchMessages#parse}, the codename is the registered one (also for a hotfix that left it out)
 * and the channel is in lower case.
 */
public record SuiteDispatch(String version, String codename, String channel, boolean skipTests, boolean dryRun)
        implements DispatchRequest {

    public static final String KIND = "suite";

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * The equivalent tag: {@code suite-{version}-{codename}} with the codename in lower case, then
     * {@code -stable} or {@code -lts} unless the channel is edge. A hotfix keeps that shape
     * ({@code suite-2026.04.1-nova}); without a codename it is {@code suite-2026.04.1}.
     */
    @Override
    public String tag() {
        StringBuilder tag = new StringBuilder("suite-").append(version);
        if (codename != null && !codename.isBlank()) {
            tag.append('-').append(codename.toLowerCase(Locale.ROOT));
        }
        if (channel != null && !channel.isBlank() && !channel.equalsIgnoreCase("edge")) {
            tag.append('-').append(channel.toLowerCase(Locale.ROOT));
        }
        return tag.toString();
    }
}
