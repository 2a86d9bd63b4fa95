package io.stellarelease.service;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Readiness checks of the service, shown at {@code /observe/health}: the state store must take a durable
 * write (else no request can be acknowledged), and the dispatch queue must be reachable.
 */
public final class ServiceHealth {

    private ServiceHealth() {
    }

    /** The state directory takes a write: a probe file is written durably and removed. */
    public static AbstractHealthCheck stateStore(Path stateDir) {
        return check("stella-state-store", () -> {
            try {
                Path probe = stateDir.resolve(".health-probe");
                io.stellarelease.util.Files2.writeDurably(probe, new byte[] {1});
                Files.delete(probe);
                return null;
            } catch (IOException | RuntimeException e) {
                return "state directory " + stateDir + " is not writable: " + e.getMessage();
            }
        });
    }

    /**
     * The shared run store: reachable (null from {@code problem}), and this instance's id, lease and the runs it
     * holds, as the check's details.
     */
    public static AbstractHealthCheck sharedStore(Supplier<String> problem, Supplier<Map<String, Object>> details) {
        return new AbstractHealthCheck("stella", "stella-shared-store") {
            @Override
            public boolean isLiveness() {
                return false;
            }

            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                details.get().forEach(builder::detail);
                String why = problem.get();
                if (why == null) {
                    builder.up();
                } else {
                    builder.message(why).down();
                }
            }
        };
    }

    /** The dispatch queue: a check that returns null when usable, else why not. */
    public static AbstractHealthCheck queue(Supplier<String> problem) {
        return check("stella-dispatch-queue", problem);
    }

    private static AbstractHealthCheck check(String id, Supplier<String> problem) {
        return new AbstractHealthCheck("stella", id) {
            @Override
            public boolean isLiveness() {
                return false; // readiness only: a full disk should stop intake, not restart the service
            }

            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                String why = problem.get();
                if (why == null) {
                    builder.up();
                } else {
                    builder.message(why).down();
                }
            }
        };
    }
}
