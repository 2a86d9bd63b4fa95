package io.stellarelease.clients;

/**
 * A write request planned, not sent: method, URL path with the query it is sent with (never a credential: those go
 * in headers) and what it carries (the JSON body, or the file uploaded).
 */
public record GtPlannedRequest(String method, String path, String body) { }
