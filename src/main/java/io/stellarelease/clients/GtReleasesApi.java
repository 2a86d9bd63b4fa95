package io.stellarelease.clients;

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

    /** {@code GET /repos/{owner}/{repo}/releases?draft=&page=&limit=}: one page, {@code draft} null for all. */
    List<GtRelease> listReleases(String owner, String repo, Boolean draft, int page, int limit);

    /** {@code PATCH /repos/{owner}/{repo}/releases/{id}}: the release as edited ({@code current} as a plan would leave it). */
    GtRelease editRelease(String owner, String repo, long releaseId, GtEditRelease edit, GtRelease current);

    /**
     * The release of {@code tag}, a draft too: by tag first, then among the drafts, because Gitea's get-by-tag may
     * not answer a draft (GitHub's does not; Gitea lists drafts only to writers, with {@code draft=true}).
     */
    default Optional<GtRelease> findRelease(String owner, String repo, String tag) {
        Optional<GtRelease> byTag = getReleaseByTag(owner, repo, tag);
        if (byTag.isPresent()) {
            return byTag;
        }
        // Until an empty page: Gitea may answer fewer than asked for (it caps pages at its MAX_RESPONSE_ITEMS).
        for (int page = 1; ; page++) {
            List<GtRelease> drafts = listReleases(owner, repo, true, page, 50);
            Optional<GtRelease> found = drafts.stream().filter(r -> tag.equals(r.tagName())).findFirst();
            if (found.isPresent() || drafts.isEmpty()) {
                return found;
            }
        }
    }

    /** {@code GET /repos/{owner}/{repo}/releases/{id}/assets}. */
    List<GtAsset> listAssets(String owner, String repo, long releaseId);

    /** {@code POST /repos/{owner}/{repo}/releases/{id}/assets?name=...}, the file as multipart field {@code attachment}. */
    GtAsset uploadAsset(String owner, String repo, long releaseId, String name, Path file);

    /** {@code DELETE /repos/{owner}/{repo}/releases/{id}/assets/{attachment_id}}; 404 counts as deleted (a retry after a lost answer). */
    void deleteAsset(String owner, String repo, long releaseId, long assetId);
}
