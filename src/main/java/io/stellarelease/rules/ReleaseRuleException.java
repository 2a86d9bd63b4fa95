package io.stellarelease.rules;

/**
 * A release request broke a release rule. The message always names the subject (tag or request),
 * the rule and the offending value, so a person can fix the input without reading code.
 */
public class ReleaseRuleException extends RuntimeException {
    private final String subject;
    private final String rule;

    public ReleaseRuleException(String subject, String rule) {
        super(subject + ": " + rule);
        this.subject = subject;
        this.rule = rule;
    }

    public String subject() {
        return subject;
    }

    public String rule() {
        return rule;
    }
}
