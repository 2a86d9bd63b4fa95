package io.stellarelease.artifacts;

import java.util.List;

/** A Helm chart that cannot be packaged; the message names the file, the rule and the offending value. */
public class ChartException extends IllegalArgumentException {

    private final List<String> problems;

    public ChartException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, one message each. */
    public List<String> problems() {
        return problems;
    }
}
