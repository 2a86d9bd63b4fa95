package io.stellarelease.restoredatabase;

import io.stellarelease.rules.RollbackTag;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.backupdatabase.DatabaseBackups;
import io.stellarelease.backupdatabase.DatabaseJobs;
import io.stellarelease.exec.ExecJob;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.clients.Secret;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.steps.StageFailedException;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.StageRecord;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import io.stellarelease.util.Files2;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The database rollback (rollback mode {@code database}), the release process's procedure: stop all services, restore
 * the databases from the backup holding the data of the release rolled back to, verify data integrity, deploy the
 * previous version, start the services. The restore-database stage runs the first three; the rollback stage deploys
 * (rollback.containers) and starts. The checks run before anything is deployed or started: services never start on a
 * database that failed them, and a failed check stops the rollback there, with the services still stopped.
 */
public class DatabaseRollback {
    public static final String STAGE = "restore-database";
    public static final String MODE = "database";
    public static final String START = "start-";

    private final ReleaseConfig config;
    private final ReleaseHistory history;
    private final DatabaseBackups backups;

    public DatabaseRollback(ReleaseConfig config, ReleaseHistory history) {
        this.config = config;
        this.history = history;
        this.backups = new DatabaseBackups(history);
    }

    /** The backup a rollback to {@code release} restores; refused with the rule when there is none to restore. */
    public DatabaseBackups.Index backupFor(String subject, ReleaseHistory.Entry release) {
        ReleaseConfig.Database db = config.database();
        if (db == null) {
            throw new ReleaseRuleException(subject, "database rollback is not configured (database in the release configuration)");
        }
        DatabaseBackups.Index backup = backups.holding(release.tag()).orElseThrow(() -> new ReleaseRuleException(subject,
                "no database backup holds the data of suite " + release.version() + " (" + release.tag() + "): the "
                        + "backup-database stage of the release after it takes that backup"));
        for (String database : db.databases()) {
            if (backup.dump(database).isEmpty()) {
                throw new ReleaseRuleException(subject, "the backup holding the data of suite " + release.version()
                        + " (taken by " + backup.tag() + ") has no dump of database " + database);
            }
        }
        return backup;
    }

    /** The suite release a database rollback goes back to. */
    public ReleaseHistory.Entry release(RollbackTag tag) {
        return history.releasesOf("suite", "suite").stream().filter(e -> e.version().equals(tag.version())).reduce((a, b) -> b)
                .orElseThrow(() -> new ReleaseRuleException("rollback", "suite " + tag.version() + " is no longer in the release history"));
    }

    /**
     * The restore-database stage's commands: stop the services, then each database's restore commands. The password is
     * only added when {@code password} is given: jobs about to run, never planned ones.
     */
    public List<ExecJob> restoreJobs(ReleaseRun run, Secret password) {
        ReleaseConfig.Database db = config.database();
        RollbackTag tag = run.requireRollback();
        ReleaseHistory.Entry release = release(tag);
        DatabaseBackups.Index backup = backupFor("rollback", release);
        List<ExecJob> jobs = new ArrayList<>(serviceJobs(run, STAGE, "stop-", db.stop(), release));
        for (String database : db.databases()) {
            Path file = backups.dir(backup.tag()).resolve(backup.dump(database).orElseThrow().file());
            for (int i = 0; i < db.restore().size(); i++) {
                Map<String, String> values = new LinkedHashMap<>();
                values.put("DATABASE", database);
                values.put("BACKUP_FILE", file.toString());
                values.put("VERSION", tag.version());
                Map<String, String> env = DatabaseJobs.connection(db);
                env.put("PGDATABASE", database);
                String name = "restore-" + database + (db.restore().size() > 1 ? "-" + (i + 1) : "");
                jobs.add(DatabaseJobs.withPassword(DatabaseJobs.job(run, STAGE, name, db.restore().get(i), values, env, db.timeout()), password));
            }
        }
        return jobs;
    }

    /** The start commands, run by the rollback stage after the previous version is deployed. */
    public List<ExecJob> startJobs(ReleaseRun run) {
        return serviceJobs(run, "rollback", START, config.database().start(), release(run.requireRollback()));
    }

    /**
     * Stop or start commands: a command naming ${MODULE} or ${MODULE_LOWER} runs once per module of the release (in
     * the configured order), any other once.
     */
    private List<ExecJob> serviceJobs(ReleaseRun run, String stage, String prefix, List<List<String>> commands,
                                      ReleaseHistory.Entry release) {
        ReleaseConfig.Database db = config.database();
        List<ExecJob> jobs = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            List<String> command = commands.get(i);
            String name = prefix + (i + 1);
            if (DatabaseJobs.names(command, "MODULE", "MODULE_LOWER")) {
                for (ReleaseConfig.Module module : config.modules().items()) {
                    if (release.modules().containsKey(module.name())) {
                        Map<String, String> values = new LinkedHashMap<>();
                        values.put("MODULE", module.name());
                        values.put("MODULE_LOWER", module.lowerName());
                        values.put("VERSION", release.version());
                        jobs.add(DatabaseJobs.job(run, stage, name + "-" + module.lowerName(), command, values, Map.of(), db.timeout()));
                    }
                }
            } else {
                jobs.add(DatabaseJobs.job(run, stage, name, command, Map.of("VERSION", release.version()), Map.of(), db.timeout()));
            }
        }
        return jobs;
    }

    /** Why the restore-database stage does nothing in this rollback, or null. */
    public String skipReason(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        String mode = run.requireRollback().mode();
        return mode.equals(MODE) ? null : "not a database rollback (mode " + mode + ")";
    }

    /** The stage's commands about to run, after checking that the dumps are the ones the backup recorded. */
    public List<ExecJob> jobs(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run,
            @ExchangeProperty(ReleaseRun.STAGE) String stageName) {
        DatabaseBackups.Index backup = backupFor("rollback", release(run.requireRollback()));
        for (String database : config.database().databases()) {
            DatabaseBackups.Dump dump = backup.dump(database).orElseThrow();
            Path file = backups.dir(backup.tag()).resolve(dump.file());
            String sha256 = java.nio.file.Files.isRegularFile(file) ? Files2.sha256(file) : "missing";
            if (!sha256.equals(dump.sha256())) {
                throw new StageFailedException("the dump of database " + database + " (" + file + ") is not the one the backup "
                        + "recorded: sha256 " + sha256 + ", recorded " + dump.sha256() + "; nothing was stopped or restored");
            }
        }
        List<ExecJob> jobs = restoreJobs(run, DatabaseJobs.password(config.database()));
        List<String> steps = new ArrayList<>(jobs.stream().map(ExecJob::name).toList());
        config.database().checks().forEach(c -> steps.add("check-" + c.name()));
        run.stage(stageName).ifPresent(stage -> stage.plan(steps));
        return jobs;
    }

    /**
     * True when {@code job} must not run because an earlier step of its stage failed: every later step of
     * restore-database (no restore after a failed stop), and the start commands after a failed deploy.
     */
    public boolean blocked(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run,
            @ExchangeProperty(ReleaseRun.STAGE) String stageName, @Body ExecJob job) {
        boolean failedBefore = run.stage(stageName).map(s -> !s.failedSteps().isEmpty()).orElse(false);
        return failedBefore && (job.stage().equals(STAGE) || job.name().startsWith(START));
    }

    /** The step of a job that was not run, and why. */
    public StepResult notRun(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run,
            @ExchangeProperty(ReleaseRun.STAGE) String stageName, @Body ExecJob job) {
        String failed = run.stage(stageName).map(s -> s.failedSteps().stream().map(StepResult::name).collect(Collectors.joining(", ")))
                .orElse("");
        Instant now = Instant.now();
        return new StepResult(job.stage(), job.name(), Status.SKIPPED, null, now, now, 0, null, List.of(), Map.of(),
                "not run: " + failed + " failed");
    }

    /**
     * After every restore command succeeded: the databases now hold the data of the release rolled back to, recorded in
     * the history so that the next release's backup says so.
     */
    public void restored(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        ReleaseHistory.Entry release = release(run.requireRollback());
        backups.restored(new DatabaseBackups.Restored(new DatabaseBackups.Release(release.tag(), release.version()),
                Instant.now(), run.releaseTag()));
    }

    /** The configured integrity checks, run one by one after the restore. */
    public List<ReleaseConfig.IntegrityCheck> checks() {
        return config.database().checks();
    }

    /** One integrity check as a step: done when the query gives what is expected, failed with both otherwise. */
    public StepResult check(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @Body ReleaseConfig.IntegrityCheck check) {
        Instant started = Instant.now();
        Status status;
        String message;
        try {
            String got = query(check);
            boolean ok = got.strip().equals(check.expect().strip());
            status = ok ? Status.DONE : Status.FAILED;
            message = ok ? null : check.database() + ": " + oneLine(check.query()) + " expected '" + oneLine(check.expect().strip())
                    + "', got '" + oneLine(got.strip()) + "'";
        } catch (SQLException e) {
            status = Status.FAILED;
            message = check.database() + ": " + oneLine(check.query()) + " could not run: " + oneLine(e.getMessage());
        }
        Instant finished = Instant.now();
        return new StepResult(STAGE, "check-" + check.name(), status, null, started, finished,
                Duration.between(started, finished).toMillis(), null, List.of(), Map.of(), message);
    }

    /** Stops the rollback when a check failed, saying which, what was expected and what the database gave. */
    public void requireChecksPassed(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run,
            @ExchangeProperty(ReleaseRun.STAGE) String stageName) {
        StageRecord stage = run.stage(stageName).orElseThrow();
        List<StepResult> failed = stage.failedSteps().stream().filter(s -> s.name().startsWith("check-")).toList();
        if (!failed.isEmpty()) {
            throw new StageFailedException("data integrity check failed, the rollback stops here (services stay stopped, "
                    + "the previous version is not deployed): " + failed.stream().map(s -> s.name().substring("check-".length())
                    + " on " + s.message()).collect(Collectors.joining("; ")));
        }
    }

    /** The query's rows as {@code psql -At} prints them: columns joined by |, rows by new lines, NULL as empty. */
    private String query(ReleaseConfig.IntegrityCheck check) throws SQLException {
        ReleaseConfig.Database db = config.database();
        Properties props = new Properties();
        props.setProperty("user", db.connection().user());
        Secret password = DatabaseJobs.password(db);
        if (password != null) {
            props.setProperty("password", password.reveal());
        }
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, db.timeout().toSeconds()));
        props.setProperty("connectTimeout", Integer.toString(Math.min(seconds, 60)));
        props.setProperty("readOnly", "true");
        props.setProperty("ApplicationName", "stella-release integrity check");
        String url = "jdbc:postgresql://" + hostForUrl(db.connection().host()) + ":" + db.connection().portOrDefault() + "/" + check.database();
        try (Connection c = DriverManager.getConnection(url, props); Statement st = c.createStatement()) {
            st.setQueryTimeout(seconds);
            try (ResultSet rs = st.executeQuery(check.query())) {
                int columns = rs.getMetaData().getColumnCount();
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    List<String> cells = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        String v = rs.getString(i);
                        cells.add(v == null ? "" : v);
                    }
                    rows.add(String.join("|", cells));
                }
                return String.join("\n", rows);
            }
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*\\n\\s*", " ");
    }
}
