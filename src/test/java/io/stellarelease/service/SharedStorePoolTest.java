package io.stellarelease.service;

import io.stellarelease.app.CamelApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** A stop leaves nothing of ours behind on the shared store either: serve's connection pool closes with it. */
class SharedStorePoolTest {
    static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String USER = "postgres";
    private final String schema = "stella_pool_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    private final String instance = "pool-test-" + schema;

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(URL, USER, null); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + schema + " cascade");
        }
    }

    private int connections() throws Exception {
        try (Connection c = DriverManager.getConnection(URL, USER, null); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select count(*) from pg_stat_activity where application_name = '" + instance + "'")) {
            r.next();
            return r.getInt(1);
        }
    }

    @Test
    void serveClosesItsStoreConnectionsWhenItStops() throws Exception {
        ServiceFixture fixture = new ServiceFixture(c -> { });
        Map<String, String> overrides = new HashMap<>(fixture.overrides());
        overrides.put("stella.store.url", URL);
        overrides.put("stella.store.user", USER);
        overrides.put("stella.store.schema", schema);
        overrides.put("stella.instance.id", instance);
        CamelApp app = CamelApp.start(CamelApp.Mode.SERVE, Path.of("config/application.properties"), fixture.config, overrides);
        try {
            assertThat(ServiceFixture.json(fixture.get("/api/v1/runs")).has("runs")).isTrue();
            assertThat(connections()).as("serve holds pooled connections named after its instance").isPositive();
        } finally {
            app.close();
        }
        assertThat(connections()).as("connections left open after the stop").isZero();
    }
}
