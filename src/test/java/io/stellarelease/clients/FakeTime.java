package io.stellarelease.clients;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/** A sleeper that records instead of waiting, and the clock it advances, so retry tests take no time. */
final class FakeTime implements RetryPolicy.Sleeper, LongSupplier {

    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private volatile long nanos;

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        nanos += duration.toNanos();
    }

    @Override
    public long getAsLong() {
        return nanos;
    }
}
