package io.stellarelease.service;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What Camel's platform-http server (Vert.x, started by camel-main) does not let us configure, set where Vert.x
 * takes it: the HTTP server's options and handlers, and the router's error handlers.
 *
 * <p>camel-platform-http-vertx 4.17 builds its {@link HttpServerOptions} itself and has no property or hook for
 * timeouts or a connection cap, but it uses the {@link Vertx} it finds in the registry. So the registry gets a
 * Vert.x that is the real one in every respect except that each HTTP server it creates has
 * <ul>
 *   <li>an idle timeout (a connection that sends and receives nothing for that long is closed),</li>
 *   <li>a request-read timeout (from the connection, or the end of the previous answer, to the complete request;
 *       a client that trickles or stalls is answered 408 if it got as far as the headers, and closed),</li>
 *   <li>a connection cap (connections past it are closed at once, so stalled clients cannot starve the others),</li>
 *   <li>JSON answers for requests Vert.x cannot parse (400, 414, 431), and on its router: every response with
 *       {@code X-Content-Type-Options: nosniff}, HEAD served as GET (Vert.x sends no body for HEAD), and every
 *       error Vert.x answers itself (404, 405, 413 above the server's body limit, 500) as
 *       {@code {"status":N,"error":"..."}}.</li>
 * </ul>
 */
public final class HttpServerSetup {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServerSetup.class);
    private static final String SEEN = "stella.http.seen";
    private static final String REROUTED = "stella.http.head-as-get";

    /** The limits; durations of zero switch a timeout off, a cap of zero switches the cap off. */
    public record Limits(Duration idleTimeout, Duration requestReadTimeout, int maxConnections, long maxBodySize) {
    }

    private final Limits limits;
    private final Vertx vertx;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong lastRefusalLog = new AtomicLong();
    private final Map<HttpConnection, Connection> connections = new ConcurrentHashMap<>();

    public HttpServerSetup(Limits limits) {
        this(limits, Vertx.vertx(new VertxOptions()));
    }

    HttpServerSetup(Limits limits, Vertx real) {
        this.limits = limits;
        this.vertx = (Vertx) proxy(real, (target, method, args) -> {
            if (method.getName().equals("createHttpServer") && method.getReturnType() == HttpServer.class) {
                HttpServerOptions options = args == null || args.length == 0 ? new HttpServerOptions()
                        : new HttpServerOptions((HttpServerOptions) args[0]);
                return server(real.createHttpServer(configure(options)));
            }
            return method.invoke(target, args);
        });
    }

    /** The Vert.x to bind in the registry, where camel-platform-http-vertx looks for one. */
    public Vertx vertx() {
        return vertx;
    }

    /** Connections open now. */
    public int openConnections() {
        return open.get();
    }

    private HttpServerOptions configure(HttpServerOptions options) {
        // HTTP/1.1 only. With cleartext HTTP/2 on, Vert.x holds a new connection until its first bytes show which
        // protocol it speaks, so a client that connects and sends nothing (or little) escaped every limit below.
        options.setHttp2ClearTextEnabled(false);
        if (limits.idleTimeout().toMillis() > 0) {
            options.setIdleTimeoutUnit(TimeUnit.MILLISECONDS).setIdleTimeout((int) limits.idleTimeout().toMillis());
        }
        return options;
    }

    /** The server with our handlers, behind a proxy that adds ours to the router Camel gives it. */
    private HttpServer server(HttpServer real) {
        real.connectionHandler(this::connected);
        real.invalidRequestHandler(HttpServerSetup::invalidRequest);
        return (HttpServer) proxy(real, (target, method, args) -> {
            if (method.getName().equals("requestHandler") && args != null && args.length == 1 && args[0] instanceof Router router) {
                install(router);
            }
            return method.invoke(target, args);
        });
    }

    // --- connections: the cap and the request-read timeout -------------------------------------------------------

    /** Per connection: the request being read or answered, and the timer that closes a connection too slow to send one. */
    private static final class Connection {
        volatile HttpServerRequest request;
        volatile long timer = -1;
    }

    private void connected(HttpConnection connection) {
        if (limits.maxConnections() > 0 && open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            long now = System.nanoTime();
            long last = lastRefusalLog.get();
            if (now - last > TimeUnit.SECONDS.toNanos(10) && lastRefusalLog.compareAndSet(last, now)) {
                LOG.warn("HTTP connection from {} closed: {} connections are open, the limit (stella.http.max-connections)",
                        connection.remoteAddress(), limits.maxConnections());
            }
            connection.close();
            return;
        }
        if (limits.maxConnections() <= 0) {
            open.incrementAndGet();
        }
        Connection state = new Connection();
        connections.put(connection, state);
        connection.closeHandler(v -> {
            open.decrementAndGet();
            connections.remove(connection);
            cancel(state);
        });
        arm(connection, state);
    }

    /** Starts the time a client has to send its (next) complete request. */
    private void arm(HttpConnection connection, Connection state) {
        long ms = limits.requestReadTimeout().toMillis();
        if (ms <= 0) {
            return;
        }
        cancel(state);
        state.timer = vertx.setTimer(ms, id -> {
            HttpServerRequest request = state.request;
            if (request != null && request.isEnded()) {
                return; // read in time; answering it may take as long as it takes (the idle timeout still applies)
            }
            if (request != null && !request.response().headWritten()) {
                HttpServerResponse response = request.response().putHeader(HttpHeaders.CONNECTION, "close");
                send(response, 408, "the request was not received in full within " + limits.requestReadTimeout().toSeconds()
                        + " s (stella.http.request-read-timeout)").onComplete(r -> connection.close());
            } else {
                connection.close();
            }
        });
    }

    private void cancel(Connection state) {
        if (state.timer >= 0) {
            vertx.cancelTimer(state.timer);
            state.timer = -1;
        }
    }

    // --- the router ---------------------------------------------------------------------------------------------

    private void install(Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::first);
        for (int status = 400; status < 600; status++) {
            router.errorHandler(status, this::error);
        }
    }

    /** Before any route: nosniff on every answer, the connection's request for the read timeout, HEAD as GET. */
    private void first(RoutingContext ctx) {
        if (ctx.request().method() == HttpMethod.HEAD && ctx.get(REROUTED) == null) {
            // Answered as GET would be, with the same headers; Vert.x writes no body for a HEAD request.
            // (A reroute starts routing afresh, so the handlers below are added on its pass.)
            ctx.put(REROUTED, Boolean.TRUE);
            ctx.reroute(HttpMethod.GET, ctx.request().uri());
            return;
        }
        if (ctx.get(SEEN) == null) {
            ctx.put(SEEN, Boolean.TRUE);
            ctx.addHeadersEndHandler(v -> ctx.response().headers().set("X-Content-Type-Options", "nosniff"));
            HttpConnection connection = ctx.request().connection();
            Connection state = connection == null ? null : connections.get(connection);
            if (state != null) {
                state.request = ctx.request();
                ctx.addEndHandler(v -> {
                    state.request = null;
                    arm(connection, state);
                });
            }
        }
        ctx.next();
    }

    /** Errors Vert.x answers itself, in the shape of every other error answer. */
    private void error(RoutingContext ctx) {
        int status = ctx.statusCode();
        String method = ctx.request().method().name();
        String path = display(ctx.request().path());
        String message = switch (status) {
            case 404 -> "nothing at " + path;
            case 405 -> method + " is not allowed on " + path;
            case 413 -> "request body is larger than the server accepts (" + limits.maxBodySize() + " bytes, camel.server.maxBodySize)";
            case 500 -> "internal error";
            default -> io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase().toLowerCase(java.util.Locale.ROOT);
        };
        if (status >= 500 && ctx.failure() != null) {
            LOG.error("{} {} failed", method, path, ctx.failure());
        }
        if (ctx.response().headWritten()) {
            ctx.response().close();
            return;
        }
        if (status == 413) {
            // The rest of the body is not read: the connection cannot carry another request.
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        send(ctx.response(), status, message);
    }

    /** Requests Vert.x could not parse (too long a request line or headers, bad syntax) never reach the router. */
    private static void invalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status;
        String message;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            message = "request line too long";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            message = "request headers too large (" + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes at most)";
        } else {
            status = 400;
            message = "malformed HTTP request";
        }
        HttpServerResponse response = request.response().putHeader(HttpHeaders.CONNECTION, "close")
                .putHeader("X-Content-Type-Options", "nosniff");
        send(response, status, message).onComplete(r -> request.connection().close());
    }

    private static io.vertx.core.Future<Void> send(HttpServerResponse response, int status, String message) {
        String body = "{\"status\":" + status + ",\"error\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        return response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }

    /** A request path as it may appear in an answer: printable ASCII, at most 200 characters. */
    private static String display(String path) {
        if (path == null) {
            return "?";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < path.length() && out.length() < 200; i++) {
            char c = path.charAt(i);
            out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
        }
        return out.toString();
    }

    private interface Call {
        Object invoke(Object target, Method method, Object[] args) throws Exception;
    }

    /** {@code target} behind every interface its class implements, each call going through {@code call}. */
    private static Object proxy(Object target, Call call) {
        InvocationHandler handler = (p, method, args) -> {
            try {
                return call.invoke(target, method, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return Proxy.newProxyInstance(target.getClass().getClassLoader(), target.getClass().getInterfaces(), handler);
    }
}
