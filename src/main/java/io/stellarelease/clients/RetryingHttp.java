package io.stellarelease.clients;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
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
        private final boolean hostDown;

        TransportFailure(String request, String detail, IOException cause) {
            this(request + ": " + detail, detail, cause, false);
        }

        private TransportFailure(String message, String detail, IOException cause, boolean hostDown) {
            super(message, cause);
            this.detail = detail;
            this.hostDown = hostDown;
        }

        /** The host refused connections: the message names the host and the reason, not one request. */
        static TransportFailure hostDown(String message, IOException cause) {
            return new TransportFailure(message, message, cause, true);
        }

        /** The message without the request: attempts, time and the last cause. */
        String detail() {
            return detail;
        }

        /** Whether the failure is the host's (it refused connections), the same for every request to it. */
        boolean hostDown() {
            return hostDown;
        }
    }

    private final HttpClient client;
    private final RetryPolicy policy;
    private final String role;
    private final HostCircuit circuit;

    RetryingHttp(HttpClient client, RetryPolicy policy) {
        this(client, policy, "server", null);
    }

    /**
     * @param role    what the servers are, for messages: {@code registry 127.0.0.1:5000: connection refused}
     * @param circuit shared with the other requests of the stage, or null: each request on its own
     */
    RetryingHttp(HttpClient client, RetryPolicy policy, String role, HostCircuit circuit) {
        this.client = client;
        this.policy = policy;
        this.role = role;
        this.circuit = circuit;
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
     * @throws TransportFailure when the last attempt failed on the connection, or the circuit knows the host down
     */
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, AlreadyDone alreadyDone)
            throws IOException, InterruptedException {
        return send(request, handler, alreadyDone, describe(request));
    }

    /** As {@link #send(HttpRequest, HttpResponse.BodyHandler, AlreadyDone)}, the request named {@code label} in logs and errors. */
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, AlreadyDone alreadyDone, String label)
            throws IOException, InterruptedException {
        String host = host(request.uri());
        boolean probed = false;
        try {
            long start = policy.nanoClock().getAsLong();
            Duration slept = Duration.ZERO;
            // A refused connection sent nothing: no need to ask whether it took effect.
            boolean mayHaveLanded = false;
            for (int attempt = 1; ; attempt++) {
                if (circuit != null) {
                    try {
                        circuit.beforeAttempt(host);
                    } catch (HostCircuit.HostDown down) {
                        throw TransportFailure.hostDown(down.getMessage(), null);
                    }
                }
                if (attempt > 1 && mayHaveLanded && alreadyDone != null && alreadyDone.check()) {
                    LOG.info("{}: the failed attempt took effect, not sending it again", label);
                    return null;
                }
                HttpResponse<T> response = null;
                IOException failure = null;
                try {
                    response = client.send(request, handler);
                    if (circuit != null && probed) {
                        circuit.release(host);
                        probed = false;
                    }
                    if (!transientStatus(response.statusCode())) {
                        return response;
                    }
                } catch (IOException e) {
                    failure = e;
                }
                boolean refused = failure != null && refused(failure);
                mayHaveLanded = !refused;
                if (refused && circuit != null && !probed) {
                    boolean before = circuit.probing(host);
                    circuit.refused(host);
                    probed = !before && circuit.probing(host);
                }
                String why = failure != null ? reason(failure) : "HTTP " + response.statusCode();
                Duration wait = response != null ? retryAfter(response).orElse(policy.backoff(attempt)) : policy.backoff(attempt);
                // Elapsed time counts what the sleeper was asked to sleep, so a fake sleeper still bounds the total.
                Duration elapsed = Duration.ofNanos(policy.nanoClock().getAsLong() - start);
                if (elapsed.compareTo(slept) < 0) {
                    elapsed = slept;
                }
                if (attempt >= policy.maxAttempts() || elapsed.plus(wait).compareTo(policy.maxTotal()) > 0) {
                    String detail = "gave up after " + attempt + " attempt(s) in " + elapsed.toMillis() + " ms";
                    if (refused) {
                        // The host's failure, not this request's: said the same way for every request to it.
                        String message = role + " " + host + ": connection refused (" + detail + ")";
                        LOG.warn("{} ({})", message, label);
                        if (circuit != null) {
                            circuit.down(host, message);
                            probed = false;
                        }
                        throw TransportFailure.hostDown(message, failure);
                    }
                    detail = detail + ": " + why;
                    LOG.warn("{}: {}", label, detail);
                    if (failure != null) {
                        throw new TransportFailure(label, detail, failure);
                    }
                    return response;
                }
                LOG.info("{}: attempt {} failed ({}), retrying in {} ms", label, attempt, why, wait.toMillis());
                policy.sleeper().sleep(wait);
                slept = slept.plus(wait);
            }
        } finally {
            if (circuit != null && probed) {
                circuit.release(host);
            }
        }
    }

    /** {@code host:port} of a URI, the port made explicit. */
    static String host(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    /** Whether the connection was refused: nothing reached the server. */
    static boolean refused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    /** A failure in words: its type and the most specific message in its causes (HttpClient's own are often null). */
    static String reason(IOException failure) {
        if (refused(failure)) {
            return "connection refused";
        }
        String message = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return failure.getClass().getName() + (message == null ? "" : ": " + message);
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
