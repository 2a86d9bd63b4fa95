package io.stellarelease.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Gitea's {@code Attachment} definition: a release asset. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GtAsset(@JsonProperty("id") long id,
                      @JsonProperty("name") String name,
                      @JsonProperty("size") long size,
                      @JsonProperty("download_count") Long downloadCount,
                      @JsonProperty("uuid") String uuid,
                      @JsonProperty("browser_download_url") String browserDownloadUrl,
                      @JsonProperty("created_at") String createdAt) {

    /** Id of an asset a dry run only planned to upload. */
    public static final long PLANNED_ID = -1;

    static GtAsset planned(String name, long size) {
        return new GtAsset(PLANNED_ID, name, size, null, null, null, null);
    }
}
