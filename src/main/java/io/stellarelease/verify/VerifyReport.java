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

    /** Records {@code what} as checked when {@code holds}, as a problem ({@code what}: {@code why}) otherwise. */
    public void expect(boolean holds, String what, String why) {
        if (holds) {
            ok(what);
        } else {
            problem(what + ": " + why);
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
