package io.stellarelease.hotfix;

/** A git step of a hotfix failed (not a rule: rules are {@link io.stellarelease.rules.ReleaseRuleException}). */
public class HotfixException extends RuntimeException {
    public HotfixException(String message) {
        super(message);
    }
}
