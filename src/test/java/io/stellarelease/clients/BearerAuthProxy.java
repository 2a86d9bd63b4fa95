package io.stellarelease.clients;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A registry front that demands Docker's bearer-token flow, as Gitea's and Docker Hub's registries do: /v2/ requests
 * without the token get 401 with {@code WWW-Authenticate: Bearer realm=...,service=...,scope=...}; /token hands the
 * token out for basic credentials; authorised requests are forwarded to the real registry behind it.
 */
final class BearerAuthProxy implements AutoCloseable {

    private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "host", "transfer-encoding",
            "upgrade", "expect", "date");

    final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    final List<String> unauthorized = new CopyOnWriteArrayList<>();
    private final String upstream;
    private final String user;
    private final String password;
    private final String token = "bearer-" + System.nanoTime();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    BearerAuthProxy(String upstream, String user, String password) throws IOException {
        this.upstream = upstream;
        this.user = user;
        this.password = password;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.equals("/token")) {
                tokenRequests.add(exchange.getRequestURI().getRawQuery());
                String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
                if (!expected.equals(auth)) {
                    reply(exchange, 401, "{\"details\":\"incorrect username or password\"}".getBytes(StandardCharsets.UTF_8));
                } else {
                    reply(exchange, 200, ("{\"token\":\"" + token + "\"}").getBytes(StandardCharsets.UTF_8));
                }
                return;
            }
            if (!("Bearer " + token).equals(auth)) {
                unauthorized.add(exchange.getRequestMethod() + " " + path);
                String name = path.replaceFirst("^/v2/(.+?)/(blobs|manifests|tags)/.*$", "$1");
                exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + baseUrl() + "/token\",service=\"stand-in\","
                        + "scope=\"repository:" + name + ":pull,push\"");
                reply(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}"
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((k, values) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase()) && !k.equalsIgnoreCase("Authorization")) {
                    values.forEach(v -> forward.header(k, v));
                }
            });
            HttpResponse<byte[]> response = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((k, values) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase()) && !k.equals(":status")) {
                    values.forEach(v -> exchange.getResponseHeaders().add(k, v.replace(upstream, baseUrl())));
                }
            });
            boolean head = exchange.getRequestMethod().equals("HEAD");
            if (head || response.body().length == 0) {
                exchange.sendResponseHeaders(response.statusCode(), -1);
            } else {
                exchange.sendResponseHeaders(response.statusCode(), response.body().length);
                exchange.getResponseBody().write(response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }
}
