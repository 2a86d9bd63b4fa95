package io.stellarelease.clients;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Gitea's {@code EditReleaseOption} definition; absent (null) fields are left as they are. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GtEditRelease(@JsonProperty("tag_name") String tagName,
                            @JsonProperty("name") String name,
                            @JsonProperty("body") String body,
                            @JsonProperty("draft") Boolean draft,
                            @JsonProperty("prerelease") Boolean prerelease,
                            @JsonProperty("target_commitish") String targetCommitish) {

    /** {@code {"draft": false}}: publishes a draft. */
    public static GtEditRelease publish() {
        return new GtEditRelease(null, null, null, false, null, null);
    }
}
