package io.stellarelease.clients;

import java.util.Objects;

/** A registry user and password (or token); toString never shows the password. */
public record RegistryCredentials(String username, Secret password) {
    public RegistryCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "RegistryCredentials[" + username + ", ****]";
    }
}
