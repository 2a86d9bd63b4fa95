package io.stellarelease.app;

import io.stellarelease.service.HttpServerSetup;
import io.vertx.core.Vertx;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.apache.camel.util.TimeUtils;

/**
 * The limits of the service's HTTP server (camel.server.*): camel-platform-http-vertx takes the Vert.x it finds in
 * the registry, and this one gives each HTTP server it creates the timeouts, the connection cap and the JSON error
 * answers of {@link HttpServerSetup}.
 */
public class HttpServerBeans implements CamelConfiguration {

    @PropertyInject(value = "stella.http.idle-timeout", defaultValue = "60s")
    private String idleTimeout;

    @PropertyInject(value = "stella.http.request-read-timeout", defaultValue = "30s")
    private String requestReadTimeout;

    @PropertyInject(value = "stella.http.max-connections", defaultValue = "256")
    private int maxConnections;

    @PropertyInject(value = "camel.server.maxBodySize", defaultValue = "0")
    private long maxBodySize;

    @BindToRegistry
    public Vertx platformHttpVertx() {
        return new HttpServerSetup(new HttpServerSetup.Limits(TimeUtils.toDuration(idleTimeout),
                TimeUtils.toDuration(requestReadTimeout), maxConnections, maxBodySize)).vertx();
    }
}
