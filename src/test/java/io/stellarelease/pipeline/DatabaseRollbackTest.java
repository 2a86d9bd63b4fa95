package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.state.RollbackRequest;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.util.Files2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The database backup stage and the database rollback against this machine's real PostgreSQL (127.0.0.1:5432, trust
 * auth), on a scratch database of each test's own: real pg_dump and pg_restore, real releases through the YAML routes,
 * stand-ins for the service commands (kubectl) that record their calls in one file, so their order shows.
 */
class DatabaseRollbackTest extends PipelineTestSupport {
    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String SECRET = "db-password-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    private String database;
    private Path bin;

    @Override
    protected void configure(ObjectNode config) {
        database = "stella_dbrb_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0x1000000));
        sql("postgres", "CREATE DATABASE " + database);
        sql(database, "CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
        bin = tmp.resolve("bin");
        Path calls = bin.resolve("calls");
        // kubectl: one line per call. pg_dump and pg_restore: the real ones, after noting the call and whether they got
        // the configured password as PGPASSWORD (the password itself is written nowhere).
        script("kubectl", "printf '%s ' \"$@\" >> '" + calls + "'; echo >> '" + calls + "'");
        for (String tool : List.of("pg_dump", "pg_restore")) {
            script(tool, "if [ \"$PGPASSWORD\" = \"$(cat '" + tmp.resolve("db-password") + "')\" ]; then p=password; else p=no-password; fi\n"
                    + "echo \"" + tool + " $PGDATABASE $p\" >> '" + calls + "'\nexec /usr/bin/" + tool + " \"$@\"");
        }
        try {
            Files.writeString(tmp.resolve("db-password"), SECRET + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode rollback = config.putObject("rollback");
        rollback.put("timeout", "PT1M");
        rollback.putArray("containers").add(bin.resolve("kubectl").toString()).add("set").add("image")
                .add("deployment/${MODULE_LOWER}").add("${MODULE_LOWER}=${IMAGE}:${VERSION}");
        ObjectNode db = config.putObject("database");
        ObjectNode connection = db.putObject("connection");
        connection.put("host", "127.0.0.1");
        connection.put("port", 5432);
        connection.put("user", "postgres");
        connection.putObject("password").put("file", tmp.resolve("db-password").toString());
        db.putArray("databases").add(database);
        db.put("timeout", "PT2M");
        db.putArray("backup").add(bin.resolve("pg_dump").toString()).add("--format=custom").add("--no-owner").add("--file")
                .add("${BACKUP_FILE}");
        db.putArray("restore").addArray().add(bin.resolve("pg_restore").toString()).add("--clean").add("--if-exists")
                .add("--no-owner").add("--single-transaction").add("--exit-on-error").add("--dbname").add("${DATABASE}").add("${BACKUP_FILE}");
        db.putArray("stop").addArray().add(bin.resolve("kubectl").toString()).add("scale").add("deployment/${MODULE_LOWER}").add("--replicas=0");
        db.putArray("start").addArray().add(bin.resolve("kubectl").toString()).add("scale").add("deployment").add("--all").add("--replicas=1");
        ArrayNode checks = db.putArray("checks");
        checks.addObject().put("name", "rows").put("database", database).put("query", "SELECT count(*) FROM items").put("expect", "3");
        checks.addObject().put("name", "no-corrupt-rows").put("database", database)
                .put("query", "SELECT count(*)\n  FROM items WHERE name = 'corrupt'").put("expect", 0);
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            sql("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private void script(String name, String body) {
        try {
            Files.createDirectories(bin);
            Path script = bin.resolve(name);
            Files.writeString(script, "#!/bin/sh\n" + body + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sql(String db, String... statements) {
        try (Connection c = DriverManager.getConnection(PG + db, "postgres", ""); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at 127.0.0.1:5432 is needed: " + e.getMessage(), e);
        }
    }

    private List<String> rows() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(PG + database, "postgres", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, name FROM items ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getInt(1) + "=" + rs.getString(2));
            }
        }
        return rows;
    }

    private List<String> calls() {
        Path file = bin.resolve("calls");
        return Files.exists(file) ? Fixtures.lines(file).stream().map(String::strip).toList() : List.of();
    }

    private ReleaseRunner runner() {
        return context.getRegistry().lookupByNameAndType("releaseRunner", ReleaseRunner.class);
    }

    private Path history() {
        return tmp.resolve("state/history/suites");
    }

    /** 2026.04 released, then its hotfix 2026.04.1, whose backup (taken before it published) holds 2026.04's data. */
    private void releaseTwice() throws IOException {
        Path checklist = workspace.resolve("docs/release/CHECKLIST.md");
        Files.writeString(checklist, Files.readString(checklist).replace("- [ ]", "- [x]"));
        Path changelog = workspace.resolve("CHANGELOG.md");
        Files.writeString(changelog, Files.readString(changelog).replace("## [2026.04] - 2026-04-15",
                "## [2026.04.2] - 2026-05-09\n\n- fix again.\n\n## [2026.04.1] - 2026-05-02\n\n- fix.\n\n## [2026.04] - 2026-04-15"));
        ReleaseRun first = release("suite-2026.04-nova", true);
        assertThat(first.getFailure()).isNull();
        assertThat(first.stage("backup-database").orElseThrow().getStatus()).isEqualTo(Status.DONE);
        ReleaseRun second = release("suite-2026.04.1", true);
        assertThat(second.getFailure()).isNull();
    }

    @Test
    void theDatabaseGoesBackToTheBackupOfThePreviousReleaseAndADryRunTouchesNothing() throws Exception {
        releaseTwice();
        JsonNode index = Fixtures.YAML.readTree(history().resolve("suite-2026.04.1.backup/backup.json").toFile());
        assertThat(index.at("/dataOf/tag").asText()).isEqualTo("suite-2026.04-nova");
        assertThat(index.at("/databases/0/database").asText()).isEqualTo(database);
        Path dump = history().resolve("suite-2026.04.1.backup/" + database + ".dump");
        assertThat(index.at("/databases/0/sha256").asText()).isEqualTo(Files2.sha256(dump));
        assertThat(Fixtures.YAML.readTree(history().resolve("suite-2026.04-nova.backup/backup.json").toFile()).get("dataOf").isNull()).isTrue();
        assertThat(calls()).containsExactly("pg_dump " + database + " password", "pg_dump " + database + " password");
        JsonNode releasePlan = Fixtures.YAML.readTree(out.resolve("2026.04.1/release-plan.json").toFile());
        assertThat(releasePlan.toString()).contains("backup-database").contains("--file").doesNotContain(SECRET);

        // 2026.04.1 is live and changes the data.
        sql(database, "UPDATE items SET name = 'a2' WHERE id = 1", "DELETE FROM items WHERE id = 3", "INSERT INTO items VALUES (4, 'd')");
        List<String> changed = rows();
        Files.delete(bin.resolve("calls"));

        ReleaseRun dry = runner().rollback(new RollbackRequest("suite", null, null, "database", null, true), null);
        assertThat(dry.getFailure()).isNull();
        assertThat(dry.getRequest().tag()).isEqualTo("rollback-database-v2026.04");
        assertThat(dry.getStages()).extracting(s -> s.getName()).containsExactly("plan-rollback", "restore-database", "rollback", "summary");
        assertThat(dry.stage("restore-database").orElseThrow().getStatus()).isEqualTo(Status.SKIPPED);
        assertThat(dry.stage("rollback").orElseThrow().getStatus()).isEqualTo(Status.SKIPPED);
        assertThat(calls()).isEmpty();
        assertThat(rows()).isEqualTo(changed);
        String restore = bin.resolve("pg_restore") + " --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname "
                + database + " " + dump;
        assertThat(dry.getSummary()).contains("## Commands (dry run: not run)").contains(restore)
                .contains(bin.resolve("kubectl") + " scale deployment/authority --replicas=0")
                .contains("-- check no-corrupt-rows on " + database + ": SELECT count(*) FROM items WHERE name = 'corrupt' -- expect: 0")
                .contains(bin.resolve("kubectl") + " scale deployment --all --replicas=1");
        Path dir = out.resolve("rollbacks/database-v2026.04");
        JsonNode plan = Fixtures.YAML.readTree(dir.resolve("rollback-plan.json").toFile());
        assertThat(plan.at("/commands/9/stage").asText()).isEqualTo("restore-database");
        assertThat(plan.at("/commands/9/env/PGDATABASE").asText()).isEqualTo(database);
        assertThat(plan.at("/commands/9/env/PGHOST").asText()).isEqualTo("127.0.0.1");
        assertThat(plan.at("/commands/9/env").has("PGPASSWORD")).isFalse();
        assertThat(plan.at("/checks/0/query").asText()).isEqualTo("SELECT count(*) FROM items");
        assertThat(plan.at("/passwordFrom").asText()).contains("file " + tmp.resolve("db-password"));

        ReleaseRun run = runner().rollback(new RollbackRequest("suite", null, null, "database", null, false), null);
        assertThat(run.getFailure()).isNull();
        assertThat(run.getStages()).allSatisfy(s -> assertThat(s.getStatus()).isEqualTo(Status.DONE));
        assertThat(rows()).containsExactly("1=a", "2=b", "3=c");
        List<String> calls = calls();
        assertThat(calls).hasSize(9 + 1 + 9 + 1);
        assertThat(calls.subList(0, 9)).allMatch(c -> c.matches("scale deployment/[a-z]+ --replicas=0"));
        assertThat(calls.get(9)).isEqualTo("pg_restore " + database + " password");
        assertThat(calls.subList(10, 19)).allMatch(c -> c.matches("set image deployment/[a-z]+ [a-z]+=\\S+:2026\\.04"));
        assertThat(calls.get(19)).isEqualTo("scale deployment --all --replicas=1");
        assertThat(run.stage("restore-database").orElseThrow().getSteps()).extracting(s -> s.name())
                .contains("stop-1-authority", "restore-" + database, "check-rows", "check-no-corrupt-rows");
        assertThat(dir.resolve("summary.md")).content().startsWith("# Rollback database-v2026.04: succeeded");

        // The password was given to the commands and written nowhere.
        try (Stream<Path> files = Stream.concat(Files.walk(out), Files.walk(tmp.resolve("state")))) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".dump")).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.UTF_8)).as(f.toString()).doesNotContain(SECRET);
            }
        }

        // The databases now hold 2026.04's data, whatever the history's latest release: the next backup says so.
        assertThat(Fixtures.YAML.readTree(tmp.resolve("state/history/database-restored.json").toFile()).at("/dataOf/tag").asText())
                .isEqualTo("suite-2026.04-nova");
        ReleaseRun next = release("suite-2026.04.2", true);
        assertThat(next.getFailure()).isNull();
        assertThat(Fixtures.YAML.readTree(history().resolve("suite-2026.04.2.backup/backup.json").toFile()).at("/dataOf/tag").asText())
                .isEqualTo("suite-2026.04-nova");

        // A repeated release keeps the backup it took first: that is the state before the release, not after it.
        String takenAt = index.get("takenAt").asText();
        ReleaseRun again = release("suite-2026.04.1", true);
        assertThat(again.getFailure()).isNull();
        assertThat(again.stage("backup-database").orElseThrow().getStatus()).isEqualTo(Status.SKIPPED);
        assertThat(again.stage("backup-database").orElseThrow().getReason()).contains("is kept").contains("a re-run never replaces it");
        assertThat(Fixtures.YAML.readTree(history().resolve("suite-2026.04.1.backup/backup.json").toFile()).get("takenAt").asText())
                .isEqualTo(takenAt);
    }

    @Test
    void aFailedIntegrityCheckStopsTheRollbackBeforeAnythingIsDeployedOrStarted() throws Exception {
        // A bad row, there when 2026.04.1's backup was taken: a restore brings it back, and the check sees it.
        Path checklist = workspace.resolve("docs/release/CHECKLIST.md");
        Files.writeString(checklist, Files.readString(checklist).replace("- [ ]", "- [x]"));
        Path changelog = workspace.resolve("CHANGELOG.md");
        Files.writeString(changelog, Files.readString(changelog).replace("## [2026.04] - 2026-04-15",
                "## [2026.04.1] - 2026-05-02\n\n- fix.\n\n## [2026.04] - 2026-04-15"));
        assertThat(release("suite-2026.04-nova", true).getFailure()).isNull();
        sql(database, "INSERT INTO items VALUES (9, 'corrupt')");
        sql(database, "DELETE FROM items WHERE id = 2");
        assertThat(release("suite-2026.04.1", true).getFailure()).isNull();
        Files.delete(bin.resolve("calls"));

        ReleaseRun run = runner().rollback(new RollbackRequest("suite", null, "2026.04", "database", null, false), null);
        assertThat(run.isSucceeded()).isFalse();
        assertThat(run.stage("restore-database").orElseThrow().getStatus()).isEqualTo(Status.FAILED);
        assertThat(run.getFailure()).contains("data integrity check failed, the rollback stops here")
                .contains("no-corrupt-rows on " + database + ": SELECT count(*) FROM items WHERE name = 'corrupt' expected '0', got '1'");
        assertThat(run.stage("rollback")).isEmpty();
        // Stopped and restored, then nothing: no image changed, no service started.
        assertThat(calls()).hasSize(10).noneMatch(c -> c.startsWith("set image") || c.contains("--replicas=1"));
        assertThat(rows()).containsExactly("1=a", "3=c", "9=corrupt");

        // Without a backup holding 2026.04's data there is nothing to restore: refused before anything runs.
        Files2.deleteRecursively(history().resolve("suite-2026.04.1.backup"));
        assertThatThrownBy(() -> runner().rollback(new RollbackRequest("suite", null, null, "database", null, false), null))
                .isInstanceOf(ReleaseRuleException.class)
                .hasMessageContaining("no database backup holds the data of suite 2026.04 (suite-2026.04-nova)");
        assertThatThrownBy(() -> runner().rollback(new RollbackRequest("module", "Authority", null, "database", null, false), null))
                .hasMessageContaining("a database rollback rolls the whole suite back");
    }
}
