package io.stellarelease.backupdatabase;

import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.exec.CommandTemplate;
import io.stellarelease.exec.ExecJob;
import io.stellarelease.clients.Secret;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.util.Files2;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The database commands as exec jobs: the configured argument list with its {@code ${NAME}} values filled in argument by
 * argument (no shell), the values and the connection (PGHOST, PGPORT, PGUSER) in the environment. PGPASSWORD is added
 * only to jobs that are about to run, so a plan never holds it.
 */
public final class DatabaseJobs {
    static final String PASSWORD_VARIABLE = "PGPASSWORD";

    private DatabaseJobs() {
    }

    public static Map<String, String> connection(ReleaseConfig.Database db) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", db.connection().host());
        env.put("PGPORT", Integer.toString(db.connection().portOrDefault()));
        env.put("PGUSER", db.connection().user());
        return env;
    }

    /** The configured password, read now (from the environment or a file); null when none is configured. */
    public static Secret password(ReleaseConfig.Database db) {
        ReleaseConfig.SecretRef ref = db.connection().password();
        if (ref == null) {
            return null;
        }
        return ref.env() != null ? Secret.fromEnv(ref.env()) : Secret.fromFile(Path.of(ref.file()));
    }

    /**
     * One job: {@code command} filled with {@code values}, run in the release directory with {@code values} and
     * {@code extraEnv} in its environment, its log in {@code logs/<stage>/<name>.log}.
     */
    public static ExecJob job(ReleaseRun run, String stage, String name, List<String> command, Map<String, String> values,
                       Map<String, String> extraEnv, Duration timeout) {
        List<String> argv = command.stream().map(arg -> CommandTemplate.fill(arg, values)).toList();
        Path dir = run.releaseDir();
        Path outputDir = Files2.recreateDirectory(dir.resolve("work").resolve(stage).resolve(name));
        Map<String, String> env = new LinkedHashMap<>(extraEnv);
        env.putAll(values);
        env.put("DRY_RUN", Boolean.toString(run.getRequest().dryRun()));
        env.put("OUTPUT_DIR", outputDir.toString());
        return new ExecJob(stage, name, argv, dir, env, timeout, dir.resolve("logs").resolve(stage).resolve(name + ".log"), outputDir);
    }

    /** The same job with the password in its environment, for running it (never for a plan). */
    public static ExecJob withPassword(ExecJob job, Secret password) {
        if (password == null) {
            return job;
        }
        Map<String, String> env = new LinkedHashMap<>(job.env());
        env.put(PASSWORD_VARIABLE, password.reveal());
        return new ExecJob(job.stage(), job.name(), job.command(), job.workingDir(), env, job.timeout(), job.log(), job.outputDir());
    }

    /** Whether any argument of {@code command} names one of {@code values}. */
    public static boolean names(List<String> command, String... values) {
        for (String arg : command) {
            for (String v : values) {
                if (arg.contains("${" + v + "}")) {
                    return true;
                }
            }
        }
        return false;
    }
}
