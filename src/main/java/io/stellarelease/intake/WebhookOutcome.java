package io.stellarelease.intake;

/**
 * What a verified, well-formed webhook asks for. Sealed so a route handling outcomes must consider
 * each: answer a ping, acknowledge an ignored event (2xx, so the sender does not retry), or release.
 */
public sealed interface WebhookOutcome {

    /** The sender's hook test; {@code zen} is GitHub's greeting, null when absent. */
    record Ping(String zen) implements WebhookOutcome {
    }

    /** A valid event that starts nothing; {@code reason} says why, for the delivery log. */
    record Ignored(String reason) implements WebhookOutcome {
    }

    /** A release tag was pushed. */
    record TagPushed(TagEvent event) implements WebhookOutcome {
    }
}
