package io.stellarelease.clients;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How transient failures (connection errors, 5xx, 429) are retried: exponential backoff from {@code initialBackoff},
 * doubling up to {@code maxBackoff}, at most {@code maxAttempts} attempts and never sleeping past {@code maxTotal}
 * after the first attempt. The sleeper and the clock are injectable so tests neither wait nor depend on timing.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxTotal,
                          Sleeper sleeper, LongSupplier nanoClock) {

    /** Sleeps; {@link Thread#sleep} in production, a recorder in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public static final Sleeper THREAD_SLEEP = d -> Thread.sleep(d.toMillis());

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: got " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxTotal, "maxTotal");
        sleeper = sleeper == null ? THREAD_SLEEP : sleeper;
        nanoClock = nanoClock == null ? System::nanoTime : nanoClock;
    }

    /** 5 attempts, 1 s doubling to 30 s, 5 minutes in all. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(5), null, null);
    }

    /** No retry at all: the first failure is final. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO, null, null);
    }

    public RetryPolicy withSleeper(Sleeper sleeper, LongSupplier nanoClock) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, maxTotal, sleeper, nanoClock);
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, initialBackoff, maxBackoff, maxTotal, sleeper, nanoClock);
    }

    /** Backoff before attempt {@code attempt + 1}, after {@code attempt} failures (1-based). */
    Duration backoff(int attempt) {
        Duration d = initialBackoff;
        for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }
}
