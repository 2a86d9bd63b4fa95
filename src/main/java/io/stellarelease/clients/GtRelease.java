package io.stellarelease.clients;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** Gitea's {@code Release} definition (the fields the publisher reads; the rest are ignored). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GtRelease(@JsonProperty("id") long id,
                        @JsonProperty("tag_name") String tagName,
                        @JsonProperty("name") String name,
                        @JsonProperty("body") String body,
                        @JsonProperty("draft") boolean draft,
                        @JsonProperty("prerelease") boolean prerelease,
                        @JsonProperty("target_commitish") String targetCommitish,
                        @JsonProperty("url") String url,
                        @JsonProperty("html_url") String htmlUrl,
                        @JsonProperty("upload_url") String uploadUrl,
                        @JsonProperty("created_at") String createdAt,
                        @JsonProperty("published_at") String publishedAt,
                        @JsonProperty("assets") List<GtAsset> assets) {

    /** Id of a release a dry run only planned to create: it has no assets to list. */
    public static final long PLANNED_ID = -1;

    public GtRelease {
        assets = assets == null ? List.of() : List.copyOf(assets);
    }

    @JsonIgnore
    public boolean planned() {
        return id == PLANNED_ID;
    }

    /** This release as {@code edit} leaves it (what a planned edit returns). */
    GtRelease edited(GtEditRelease edit) {
        return new GtRelease(id, edit.tagName() != null ? edit.tagName() : tagName, edit.name() != null ? edit.name() : name,
                edit.body() != null ? edit.body() : body, edit.draft() != null ? edit.draft() : draft,
                edit.prerelease() != null ? edit.prerelease() : prerelease,
                edit.targetCommitish() != null ? edit.targetCommitish() : targetCommitish,
                url, htmlUrl, uploadUrl, createdAt, publishedAt, assets);
    }

    static GtRelease planned(GtCreateRelease create) {
        return new GtRelease(PLANNED_ID, create.tagName(), create.name(), create.body(),
                Boolean.TRUE.equals(create.draft()), Boolean.TRUE.equals(create.prerelease()),
                create.targetCommitish(), null, null, null, null, null, List.of());
    }
}
