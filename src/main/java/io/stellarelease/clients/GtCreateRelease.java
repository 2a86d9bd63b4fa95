package io.stellarelease.clients;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Objects;

/** Gitea's {@code CreateReleaseOption} definition; absent (null) fields are not sent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GtCreateRelease(@JsonProperty("tag_name") String tagName,
                              @JsonProperty("name") String name,
                              @JsonProperty("body") String body,
                              @JsonProperty("draft") Boolean draft,
                              @JsonProperty("prerelease") Boolean prerelease,
                              @JsonProperty("target_commitish") String targetCommitish) {
    public GtCreateRelease {
        Objects.requireNonNull(tagName, "tag_name is required");
    }
}
