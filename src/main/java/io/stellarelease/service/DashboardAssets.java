package io.stellarelease.service;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The dashboard's files, served from the jar ({@code dashboard/} on the classpath). Only the files named
 * here exist; the page reads everything else from the run API. The content security policy allows
 * scripts and styles from this server only, so text from a tag, a message or a log can never run.
 */
public class DashboardAssets {
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8");
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Map<String, byte[]> files = new HashMap<>();

    /** Reads the files once: a page view is then a map lookup, not a jar lookup per request. */
    public DashboardAssets() {
        for (String name : TYPES.keySet()) {
            try (InputStream in = DashboardAssets.class.getResourceAsStream("/dashboard/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("dashboard/" + name + " is missing from the jar");
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The dashboard routes' header filter: Camel's HTTP filter drops {@code Cache-Control} from responses
     * (it is in its common out-filter), which left browsers to cache the page heuristically. The dashboard's
     * own answer (always revalidate) passes; everything else is filtered as usual.
     */
    public static HeaderFilterStrategy headerFilter() {
        HttpHeaderFilterStrategy strategy = new HttpHeaderFilterStrategy();
        strategy.getOutFilter().remove("cache-control");
        return strategy;
    }

    /** The page itself, at {@code /}. */
    public void page(Exchange exchange) {
        serve(exchange, "index.html");
    }

    /** {@code /dashboard/{asset}}: a stylesheet or the script. */
    public void asset(Exchange exchange) {
        serve(exchange, exchange.getMessage().getHeader("asset", String.class));
    }

    private void serve(Exchange exchange, String name) {
        String type = name == null ? null : TYPES.get(name);
        exchange.getMessage().removeHeaders("*");
        if (type == null) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 404);
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
            exchange.getMessage().setBody("not found\n");
            return;
        }
        exchange.getMessage().setBody(ByteBuffer.wrap(files.get(name))); // written at once (HttpAnswers says why)
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, type);
        exchange.getMessage().setHeader("Content-Security-Policy", POLICY);
        exchange.getMessage().setHeader("X-Content-Type-Options", "nosniff");
        exchange.getMessage().setHeader("Cache-Control", "no-cache");
    }
}
