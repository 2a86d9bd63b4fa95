package io.stellarelease.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.stellarelease.config.ConfigLoader.require;
import static io.stellarelease.config.ConfigLoader.requireCommand;

/** Checks of the {@code database} section: a backup or restore that cannot work fails at start-up, not mid-rollback. */
final class DatabaseChecks {
    /** Values the backup and restore commands may name. */
    static final List<String> DATABASE_VALUES = List.of("DATABASE", "BACKUP_FILE", "VERSION");
    /** Values the stop and start commands may name (MODULE, MODULE_LOWER: once per module of the release). */
    static final List<String> SERVICE_VALUES = List.of("MODULE", "MODULE_LOWER", "VERSION");
    // A database name reaches commands as a whole argument: one starting with '-' would be read as an option.
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$.]*");
    private static final Pattern VALUE = Pattern.compile("\\$\\{([^}]*)}");

    private DatabaseChecks() {
    }

    static void check(Path file, ReleaseConfig c) {
        ReleaseConfig.Database db = c.database();
        if (db == null) {
            return;
        }
        require(file, db.connection() != null && db.connection().host() != null && !db.connection().host().isBlank(),
                "database.connection.host is required");
        require(file, db.connection().portOrDefault() > 0 && db.connection().portOrDefault() < 65536,
                "database.connection.port must be 1..65535: got " + db.connection().port());
        require(file, db.connection().user() != null && !db.connection().user().isBlank(), "database.connection.user is required");
        require(file, !db.databases().isEmpty(), "database.databases must list at least one database");
        Set<String> seen = new HashSet<>();
        for (String name : db.databases()) {
            require(file, name != null && NAME.matcher(name).matches(),
                    "database.databases: a database name is letters, digits and _ (not starting with a digit or '-'): got " + name);
            require(file, seen.add(name), "database.databases: duplicate database " + name);
        }
        require(file, db.timeout() != null, "database.timeout is required");
        command(file, "database.backup", db.backup(), DATABASE_VALUES);
        require(file, !db.restore().isEmpty(), "database.restore must list at least one command");
        for (int i = 0; i < db.restore().size(); i++) {
            command(file, "database.restore[" + i + "]", db.restore().get(i), DATABASE_VALUES);
        }
        for (int i = 0; i < db.stop().size(); i++) {
            command(file, "database.stop[" + i + "]", db.stop().get(i), SERVICE_VALUES);
        }
        for (int i = 0; i < db.start().size(); i++) {
            command(file, "database.start[" + i + "]", db.start().get(i), SERVICE_VALUES);
        }
        Set<String> checks = new HashSet<>();
        for (ReleaseConfig.IntegrityCheck check : db.checks()) {
            require(file, check.name() != null && check.name().matches("[a-z0-9][a-z0-9-]*"),
                    "database.checks: name must be lower-case letters, digits and '-': got " + check.name());
            require(file, checks.add(check.name()), "database.checks: duplicate check " + check.name());
            require(file, check.database() != null && db.databases().contains(check.database()),
                    "database.checks." + check.name() + ": database must be one of database.databases: got " + check.database());
            require(file, check.query() != null && !check.query().isBlank(), "database.checks." + check.name() + ": query is required");
            require(file, check.expect() != null, "database.checks." + check.name() + ": expect is required (the query's result)");
        }
    }

    private static void command(Path file, String where, List<String> command, List<String> values) {
        requireCommand(file, where, command);
        for (String arg : command) {
            Matcher m = VALUE.matcher(arg);
            while (m.find()) {
                require(file, values.contains(m.group(1)), where + ": unknown value ${" + m.group(1) + "}: one of "
                        + String.join(", ", values));
            }
        }
    }
}
