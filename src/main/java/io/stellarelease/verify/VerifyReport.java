package io.stellarelease.verify;

import java.util.ArrayList;
import java.util.List;

/** What a verification checked and what it found wrong; it passes when nothing is wrong. */
public final class VerifyReport {
    private final List<String> checked = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    public synchronized void ok(String what) {
        checked.add(what);
    }

    public synchronized void problem(String what) {
        problems.add(what);
    }

    /** Records {@code ok} as checked when {@code holds}, {@code problem} otherwise. */
    public void expect(boolean holds, String ok, String problem) {
        if (holds) {
            ok(ok);
        } else {
            problem(problem);
        }
    }

    public synchronized List<String> checked() {
        return List.copyOf(checked);
    }

    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    public boolean passed() {
        return problems().isEmpty();
    }
}
