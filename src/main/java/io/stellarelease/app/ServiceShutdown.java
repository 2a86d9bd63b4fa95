package io.stellarelease.app;

import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Stops the run manager as soon as Camel starts stopping, before its routes go: running builds are
 * interrupted (their process trees killed) and their runs recorded as interrupted, to resume on restart,
 * instead of failing half-way when the pipeline routes disappear under them.
 */
class ServiceShutdown extends EventNotifierSupport {
    private final ThrowingRunnable onStopping;

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    ServiceShutdown(ThrowingRunnable onStopping) {
        this.onStopping = onStopping;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) throws Exception {
        onStopping.run();
    }
}
