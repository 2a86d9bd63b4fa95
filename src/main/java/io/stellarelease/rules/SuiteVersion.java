package io.stellarelease.rules;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A validated suite release: calendar version {@code YYYY.MM} (or {@code YYYY.MM.N} for a hotfix),
 * its codename as registered, and its channel.
 */
public record SuiteVersion(String tag, String version, String baseVersion, int hotfix, String codename, String channel) {

    @JsonIgnore
    public boolean isHotfix() {
        return hotfix > 0;
    }

    @JsonIgnore
    public String month() {
        return baseVersion.substring(5, 7);
    }
}
