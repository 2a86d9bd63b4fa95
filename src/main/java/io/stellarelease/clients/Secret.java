package io.stellarelease.clients;

import java.util.Objects;

/**
 * A token, password or API key. Its only way out is {@link #reveal()}, called where a header is built, so that
 * string concatenation, toString, logging or a debugger's summary never show it.
 */
public final class Secret {

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "secret");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret from an environment variable; fails naming the variable (never the value) when unset or blank. */
    public static Secret fromEnv(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + variable + " is not set");
        }
        return new Secret(value.strip());
    }

    /** The secret in a file (a mounted secret), trailing whitespace removed; fails naming the file, never the content. */
    public static Secret fromFile(java.nio.file.Path file) {
        String value;
        try {
            value = java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("secret file " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
        if (value.isBlank()) {
            throw new IllegalStateException("secret file " + file + " is empty");
        }
        return new Secret(value.strip());
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
