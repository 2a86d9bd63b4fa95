package io.stellarelease.publish;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Gitea's release endpoints ({@code /api/v1/repos/{owner}/{repo}/releases...}). Failures are {@link GtApiException}s.
 */
public interface GtReleasesApi {

    /** {@code POST /repos/{owner}/{repo}/releases}; a release for the tag already there is a 409 exception. */
    GtRelease createRelease(String owner, String repo, GtCreateRelease release);

    /** {@code GET /repos/{owner}/{repo}/releases/tags/{tag}}; empty on 404. */
    Optional<GtRelease> getReleaseByTag(String owner, String repo, String tag);

    /** {@code GET /repos/{owner}/{repo}/releases/{id}/assets}. */
    List<GtAsset> listAssets(String owner, String repo, long releaseId);

    /** {@code POST /repos/{owner}/{repo}/releases/{id}/assets?name=...}, the file as multipart field {@code attachment}. */
    GtAsset uploadAsset(String owner, String repo, long releaseId, String name, Path file);

    /** {@code DELETE /repos/{owner}/{repo}/releases/{id}/assets/{attachment_id}}; 404 counts as deleted (a retry after a lost answer). */
    void deleteAsset(String owner, String repo, long releaseId, long assetId);
}
