package io.stellarelease.intake;

/**
 * A release tag announced by a webhook. Every field has been checked by {@link WebhookEvents}; the tag
 * is only known to be a plausible release tag name, the release rules are the caller's to apply.
 *
 * @param source     "gitea" or "github"
 * @param event      "create" or "push": a new tag fires both, so callers deduplicate by tag
 * @param deliveryId the sender's delivery id (X-Gitea-Delivery / X-GitHub-Delivery), or null
 * @param tag        the short tag name, e.g. suite-2026.04-nova
 * @param cloneUrl   repository.clone_url
 * @param commit     the tagged commit (Gitea create: sha, push: after), or null (GitHub create has none)
 * @param repository repository.full_name, owner/name
 */
public record TagEvent(String source, String event, String deliveryId, String tag, String cloneUrl, String commit,
                       String repository) {
}
