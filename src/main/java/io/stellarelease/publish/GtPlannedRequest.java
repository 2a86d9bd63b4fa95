package io.stellarelease.publish;

/**
 * A write request a dry run did not send: method, URL path (no query, no credentials) and what it would carry
 * (the JSON body, or the file uploaded).
 */
public record GtPlannedRequest(String method, String path, String body) { }
