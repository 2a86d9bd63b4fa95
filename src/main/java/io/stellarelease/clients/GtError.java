package io.stellarelease.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Gitea's {@code APIError} definition: the JSON body of an error answer. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GtError(@JsonProperty("message") String message, @JsonProperty("url") String url) { }
