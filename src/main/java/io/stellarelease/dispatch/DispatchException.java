package io.stellarelease.dispatch;

import io.stellarelease.rules.ReleaseRuleException;

/**
 * A dispatch message was rejected. The subject describes the message ({@code dispatch suite 2026.04},
 * {@code dispatch module Authority 1.2.3}, or {@code dispatch message} when not even that is known);
 * the rule names the field, the rule and the offending value.
 */
public class DispatchException extends ReleaseRuleException {

    public DispatchException(String subject, String rule) {
        super(subject, rule);
    }

    public DispatchException(String subject, String rule, Throwable cause) {
        super(subject, rule);
        initCause(cause);
    }
}
