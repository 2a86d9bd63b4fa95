package io.stellarelease.state;

/** A file a release produced, by its path relative to the release directory. */
public record Artifact(String kind, String path, String sha256, long size) { }
