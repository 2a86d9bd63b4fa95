package io.stellarelease.config;

/** The release configuration is unreadable or breaks one of its own rules. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
