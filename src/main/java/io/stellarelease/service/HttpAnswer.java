package io.stellarelease.service;

import java.util.Map;

/** What an HTTP route answers: a status, a body (JSON unless it is text) and extra headers. */
public record HttpAnswer(int status, Object body, Map<String, String> headers) {

    public HttpAnswer(int status, Object body) {
        this(status, body, Map.of());
    }
}
