package io.stellarelease.state;

import io.stellarelease.rules.RollbackTag;
import io.stellarelease.rules.ModuleTagParser.ModuleTag;
import io.stellarelease.rules.SuiteVersion;

/**
 * What a run releases or rolls back, once its tag was checked (by validate, validate-module or plan-rollback): a
 * suite, a module or a rollback, exactly one, and the one its tag names.
 */
public sealed interface Target permits Target.Suite, Target.Module, Target.Rollback {

    /** {@code suite}, {@code module} or {@code rollback}: the same word as {@link ReleaseRun#kindOf(String)}. */
    String kind();

    String tag();

    record Suite(SuiteVersion suite) implements Target {
        public String kind() {
            return "suite";
        }

        public String tag() {
            return suite.tag();
        }
    }

    record Module(ModuleTag module) implements Target {
        public String kind() {
            return "module";
        }

        public String tag() {
            return module.tag();
        }
    }

    record Rollback(RollbackTag rollback) implements Target {
        public String kind() {
            return "rollback";
        }

        public String tag() {
            return rollback.tag();
        }
    }
}
