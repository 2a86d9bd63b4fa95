package io.stellarelease.sharedstore;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * The PostgreSQL database several {@code serve} instances share ({@code stella.store.url}): a HikariCP pool whose
 * connections use the configured schema, and the schema created and migrated by Flyway at start
 * ({@code src/main/resources/db/stella/}). The password comes from the environment or a file, never from a
 * properties file, and is never logged.
 */
public final class SharedStore implements AutoCloseable {
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /**
     * Where the store is: a JDBC URL, a user, a password (or null), the schema, the pool's size, and the name this
     * instance's connections carry ({@code application_name}, in {@code pg_stat_activity}: the instance id).
     */
    public record Settings(String url, String user, String password, String schema, int poolSize, String applicationName) {
        public Settings(String url, String user, String password, String schema, int poolSize) {
            this(url, user, password, schema, poolSize, "stella-release");
        }

        public Settings {
            if (url == null || !url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("stella.store.url must be a jdbc:postgresql: URL: got '" + url + "'");
            }
            if (schema == null || !SCHEMA.matcher(schema).matches()) {
                throw new IllegalArgumentException("stella.store.schema must be a lower-case SQL name: got '" + schema + "'");
            }
            if (poolSize < 2) {
                throw new IllegalArgumentException("stella.store.pool-size must be at least 2: got " + poolSize);
            }
        }

        /** The password: {@code password} when given, else the file's first line (trailing newline dropped), else none. */
        public static String password(String password, String file) {
            if (password != null && !password.isEmpty()) {
                return password;
            }
            if (file == null || file.isBlank()) {
                return null;
            }
            try {
                return Files.readString(Path.of(file.strip()), StandardCharsets.UTF_8).lines().findFirst().orElse("");
            } catch (IOException e) {
                throw new UncheckedIOException("stella.store.password-file " + file + " cannot be read", e);
            }
        }

        @Override
        public String toString() {
            return "Settings[url=" + url + ", user=" + user + ", schema=" + schema + ", poolSize=" + poolSize
                    + ", applicationName=" + applicationName + "]";
        }
    }

    private final HikariDataSource pool;
    private final Settings settings;

    /** An instance's id when {@code stella.instance.id} is not set: this host's name and this process's id. */
    public static String instanceId(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    private SharedStore(Settings settings, HikariDataSource pool) {
        this.settings = settings;
        this.pool = pool;
    }

    /** Connects, creates the schema when missing and migrates it to this version. */
    public static SharedStore open(Settings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("stella-store");
        config.setJdbcUrl(settings.url());
        if (settings.user() != null && !settings.user().isBlank()) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.setInitializationFailTimeout(10_000);
        config.setAutoCommit(true);
        config.setSchema(settings.schema());
        config.addDataSourceProperty("ApplicationName", settings.applicationName());
        // A statement never waits long on a lock: a claim or a fenced write answers quickly or fails.
        config.setConnectionInitSql("set lock_timeout = '5s'");
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(pool).schemas(settings.schema()).defaultSchema(settings.schema())
                    .createSchemas(true).locations("classpath:db/stella").load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new IllegalStateException("could not migrate the shared store " + settings.url() + " (schema "
                    + settings.schema() + "): " + e.getMessage(), e);
        }
        return new SharedStore(settings, pool);
    }

    public DataSource dataSource() {
        return pool;
    }

    public Settings settings() {
        return settings;
    }

    /** Null when the store answers a query, else why not (for /observe/health). */
    public String problem() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            s.execute("select 1 from runs limit 1");
            return null;
        } catch (SQLException | RuntimeException e) {
            return "shared store " + settings.url() + " (schema " + settings.schema() + ") is not reachable: " + e.getMessage();
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
