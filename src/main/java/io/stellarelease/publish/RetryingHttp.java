package io.stellarelease.publish;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Sends requests on {@link HttpClient}, retrying transient failures as the {@link RetryPolicy} says. A request is
 * described in logs and messages by method and path only: the query may carry upload state or secrets, and headers
 * carry the credentials.
 */
final class RetryingHttp {

    private static final Logger LOG = LoggerFactory.getLogger(RetryingHttp.class);

    /**
     * Asked before a retry of a request that is not idempotent (an upload): whether the failed attempt took effect
     * after all, in which case the request is not sent again.
     */
    @FunctionalInterface
    interface AlreadyDone {
        boolean check() throws IOException, InterruptedException;
    }

    /** Every transient attempt failed on the connection; {@link #getMessage()} names method, path and attempts. */
    static final class TransportFailure extends IOException {
        private final String detail;

        TransportFailure(String request, String detail, IOException cause) {
            super(request + ": " + detail, cause);
            this.detail = detail;
        }

        /** The message without the request: attempts, time and the last cause. */
        String detail() {
            return detail;
        }
    }

    private final HttpClient client;
    private final RetryPolicy policy;

    RetryingHttp(HttpClient client, RetryPolicy policy) {
        this.client = client;
        this.policy = policy;
    }

    static HttpClient defaultClient() {
        // HTTP/1.1: no h2c upgrade dance against plain-http registries and stand-ins.
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(20)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    RetryPolicy policy() {
        return policy;
    }

    static String describe(HttpRequest request) {
        return describe(request.method(), request.uri());
    }

    static String describe(String method, URI uri) {
        return method + " " + uri.getRawPath();
    }

    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return send(request, handler, null);
    }

    /**
     * The response to {@code request}: the first non-transient one, or the last transient one (5xx, 429) when the
     * policy gives up; {@code null} when {@code alreadyDone} said a failed attempt had taken effect.
     *
     * @throws TransportFailure when the last attempt failed on the connection
     */
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, AlreadyDone alreadyDone)
            throws IOException, InterruptedException {
        long start = policy.nanoClock().getAsLong();
        Duration slept = Duration.ZERO;
        for (int attempt = 1; ; attempt++) {
            if (attempt > 1 && alreadyDone != null && alreadyDone.check()) {
                LOG.info("{}: the failed attempt took effect, not sending it again", describe(request));
                return null;
            }
            HttpResponse<T> response = null;
            IOException failure = null;
            try {
                response = client.send(request, handler);
                if (!transientStatus(response.statusCode())) {
                    return response;
                }
            } catch (IOException e) {
                failure = e;
            }
            String why = failure != null ? String.valueOf(failure) : "HTTP " + response.statusCode();
            Duration wait = response != null ? retryAfter(response).orElse(policy.backoff(attempt)) : policy.backoff(attempt);
            // Elapsed time counts what the sleeper was asked to sleep, so a fake sleeper still bounds the total.
            Duration elapsed = Duration.ofNanos(policy.nanoClock().getAsLong() - start);
            if (elapsed.compareTo(slept) < 0) {
                elapsed = slept;
            }
            if (attempt >= policy.maxAttempts() || elapsed.plus(wait).compareTo(policy.maxTotal()) > 0) {
                String detail = "gave up after " + attempt + " attempt(s) in " + elapsed.toMillis() + " ms: " + why;
                LOG.warn("{}: {}", describe(request), detail);
                if (failure != null) {
                    throw new TransportFailure(describe(request), detail, failure);
                }
                return response;
            }
            LOG.info("{}: attempt {} failed ({}), retrying in {} ms", describe(request), attempt, why, wait.toMillis());
            policy.sleeper().sleep(wait);
            slept = slept.plus(wait);
        }
    }

    static boolean transientStatus(int status) {
        return status == 429 || (status >= 500 && status != 501 && status != 505);
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date; absent or unreadable means the policy's backoff. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }
}
