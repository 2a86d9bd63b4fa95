package io.stellarelease.backupdatabase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.exec.ExecJob;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.clients.Secret;
import io.stellarelease.targets.PlanFile;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.util.Files2;
import org.apache.camel.ExchangeProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The backup-database stage: before a suite release publishes anything, each configured database is dumped with the
 * configured command (pg_dump) and the dumps are kept in the release history ({@link DatabaseBackups}), where a database
 * rollback finds them. A release's backup is taken once: a re-run keeps the one taken first, which is the state before
 * the release, not after it.
 */
public class DatabaseBackup {
    public static final String STAGE = "backup-database";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReleaseConfig config;
    private final DatabaseBackups backups;

    public DatabaseBackup(ReleaseConfig config, ReleaseHistory history) {
        this.config = config;
        this.backups = new DatabaseBackups(history);
    }

    /** Why the stage does nothing, or null. */
    public String skipReason(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        if (config.database() == null) {
            return "no database configured (database in the release configuration)";
        }
        return backups.takenBy(run.releaseTag())
                .map(i -> "the backup taken at " + i.takenAt() + " by an earlier run is kept (" + backups.dir(run.releaseTag())
                        + "): a re-run never replaces it")
                .orElse(null);
    }

    /** The dump commands, one per database, into release-plan.json (without the password); runs none. */
    public List<ExecJob> plan(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run,
            @ExchangeProperty(ReleaseRun.STAGE) String stageName) {
        List<ExecJob> jobs = build(run);
        List<ObjectNode> entries = new ArrayList<>();
        for (ExecJob job : jobs) {
            ObjectNode e = JSON.createObjectNode();
            e.put("kind", "command");
            e.put("name", job.name());
            job.command().forEach(e.putArray("argv")::add);
            ObjectNode env = e.putObject("env");
            new TreeMap<>(job.env()).forEach((k, v) -> {
                if (!k.equals("OUTPUT_DIR")) {
                    env.put(k, v);
                }
            });
            if (config.database().connection().password() != null) {
                e.put("passwordFrom", DatabaseJobs.PASSWORD_VARIABLE + " from " + config.database().connection().password());
            }
            e.put("keptIn", backups.dir(run.releaseTag()).toString());
            entries.add(e);
        }
        PlanFile.writeEntries(run, STAGE, entries);
        run.stage(stageName).ifPresent(stage -> stage.plan(jobs.stream().map(ExecJob::name).toList()));
        return jobs;
    }

    /** The dump commands about to run, with the password. */
    public List<ExecJob> jobs(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        Secret password = DatabaseJobs.password(config.database());
        return build(run).stream().map(job -> DatabaseJobs.withPassword(job, password)).toList();
    }

    private List<ExecJob> build(ReleaseRun run) {
        ReleaseConfig.Database db = config.database();
        List<ExecJob> jobs = new ArrayList<>();
        for (String database : db.databases()) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("DATABASE", database);
            values.put("BACKUP_FILE", dumpFile(run, database).toString());
            values.put("VERSION", run.version());
            Map<String, String> env = DatabaseJobs.connection(db);
            env.put("PGDATABASE", database);
            jobs.add(DatabaseJobs.job(run, STAGE, database, db.backup(), values, env, db.timeout()));
        }
        return jobs;
    }

    private static Path dumpFile(ReleaseRun run, String database) {
        return run.releaseDir().resolve("work").resolve(STAGE).resolve(database).resolve(database + ".dump");
    }

    /**
     * After every dump succeeded: the dumps and their index into the release history. The index names the release
     * whose data they hold: the newest suite release in the history when they were taken, or the release a database
     * rollback since then restored.
     */
    public String record(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        String tag = run.releaseTag();
        DatabaseBackups.Release dataOf = backups.current(tag);
        List<DatabaseBackups.Dump> dumps = new ArrayList<>();
        Map<String, Path> files = new LinkedHashMap<>();
        for (String database : config.database().databases()) {
            Path file = dumpFile(run, database);
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("the backup command of database " + database + " exited 0 but wrote no "
                        + file + " (BACKUP_FILE)");
            }
            String name = database + ".dump";
            files.put(name, file);
            dumps.add(new DatabaseBackups.Dump(database, name, Files2.sha256(file), file.toFile().length()));
        }
        return backups.record(new DatabaseBackups.Index(tag, run.version(), Instant.now(), dataOf, dumps), files).toString();
    }
}
