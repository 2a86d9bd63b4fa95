package io.stellarelease.planrollback;

import io.stellarelease.restoredatabase.DatabaseRollback;
import io.stellarelease.rules.RollbackTag;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.exec.CommandTemplate;
import io.stellarelease.exec.ExecJob;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.RollbackRequest;
import io.stellarelease.util.Files2;
import org.apache.camel.ExchangeProperty;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Rollbacks: {@link #resolve} checks a request against the configuration and the release history and names the
 * version to go back to (the release before the current one when none is given); {@link #jobs} turns a resolved
 * rollback into its commands, the configured argument lists with their values filled in argument by argument.
 */
public class RollbackPlanner {
    public static final String STAGE = "rollback";
    public static final String PLAN_FILE = "rollback-plan.json";

    private final ReleaseConfig config;
    private final ReleaseHistory history;
    private final DatabaseRollback database;

    public RollbackPlanner(ReleaseConfig config, ReleaseHistory history) {
        this.config = config;
        this.history = history;
        this.database = new DatabaseRollback(config, history);
    }

    /** The rollback's tag, with its version resolved; a request that cannot be rolled back is refused with the rule. */
    public RollbackTag resolve(RollbackRequest r) {
        String mode = r.mode() == null ? "containers" : r.mode();
        String subject = "rollback";
        ReleaseConfig.Rollback rules = config.rollback();
        if (rules == null) {
            throw new ReleaseRuleException(subject, "rollback is not configured (rollback in the release configuration)");
        }
        if (mode.equals("helm")) {
            if (rules.helm() == null) {
                throw new ReleaseRuleException(subject, "helm rollback is not configured (rollback.helm)");
            }
            if (!"suite".equals(r.target()) || r.version() != null || r.module() != null) {
                throw new ReleaseRuleException(subject, "a helm rollback rolls the suite's chart back by revision: "
                        + "give target suite and a revision (or none: Helm's previous revision), not a module or version");
            }
            int revision = r.revision() == null ? 0 : r.revision();
            if (revision < 0) {
                throw new ReleaseRuleException(subject, "helm revision must be 1 or more (or none for the previous): got " + revision);
            }
            return RollbackTag.parse("rollback-helm-r" + revision);
        }
        boolean db = mode.equals(DatabaseRollback.MODE);
        if (!mode.equals("containers") && !db) {
            throw new ReleaseRuleException(subject, "rollback mode must be containers, helm or database: got '" + mode + "'");
        }
        if (rules.containers() == null) {
            throw new ReleaseRuleException(subject, db ? "a database rollback deploys the previous version with rollback.containers, "
                    + "which is not configured" : "container rollback is not configured (rollback.containers)");
        }
        if (db && (!"suite".equals(r.target()) || r.module() != null)) {
            throw new ReleaseRuleException(subject, "a database rollback rolls the whole suite back: give target suite, not a module");
        }
        if (r.revision() != null) {
            throw new ReleaseRuleException(subject, "a revision is for helm rollbacks only");
        }
        String kind;
        String name;
        if ("module".equals(r.target())) {
            ReleaseConfig.Module module = config.module(r.module() == null ? "" : r.module()).orElseThrow(() ->
                    new ReleaseRuleException(subject, "module must be one of the configured modules: got '" + r.module() + "'"));
            kind = "module";
            name = module.name();
        } else if ("suite".equals(r.target())) {
            if (r.module() != null) {
                throw new ReleaseRuleException(subject, "a suite rollback names no module");
            }
            kind = "suite";
            name = "suite";
        } else {
            throw new ReleaseRuleException(subject, "rollback target must be module or suite: got '" + r.target() + "'");
        }
        List<ReleaseHistory.Entry> releases = history.releasesOf(kind, name);
        String version;
        if (r.version() != null) {
            version = r.version();
            if (releases.stream().noneMatch(e -> e.version().equals(version))) {
                throw new ReleaseRuleException(subject, name + " " + version + " was never released: it is not in the release history");
            }
        } else {
            if (releases.isEmpty()) {
                throw new ReleaseRuleException(subject, name + " has no release in the release history to roll back from");
            }
            String current = releases.get(releases.size() - 1).version();
            version = releases.stream().map(ReleaseHistory.Entry::version).filter(v -> !v.equals(current))
                    .reduce((a, b) -> b).orElseThrow(() -> new ReleaseRuleException(subject,
                            name + " has no release before " + current + " in the release history to roll back to"));
        }
        if (db) {
            ReleaseHistory.Entry target = releases.stream().filter(e -> e.version().equals(version)).reduce((a, b) -> b).orElseThrow();
            database.backupFor(subject, target);
            return RollbackTag.parse("rollback-database-v" + version);
        }
        return RollbackTag.parse(kind.equals("module")
                ? "rollback-module-" + name.toLowerCase(Locale.ROOT) + "-v" + version
                : "rollback-suite-v" + version);
    }

    /** The pipeline's plan-rollback stage: the run's rollback from its tag, and its commands in the run's plan. */
    public List<ExecJob> plan(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        RollbackTag tag = RollbackTag.parse(run.getRequest().tag());
        run.setRollback(tag);
        List<ExecJob> jobs = new ArrayList<>();
        boolean db = tag.mode().equals(DatabaseRollback.MODE);
        if (db) {
            jobs.addAll(database.restoreJobs(run, null)); // stop, restore: the restore-database stage; never with the password
        }
        jobs.addAll(build(run));
        List<List<String>> commands = new ArrayList<>(jobs.stream().map(j -> j.command()).toList());
        if (db) {
            // The integrity checks run over JDBC between restore and deploy; shown where they run, as SQL.
            int at = (int) jobs.stream().filter(j -> j.stage().equals(DatabaseRollback.STAGE)).count();
            List<List<String>> checks = database.checks().stream().map(c -> List.of("-- check " + c.name() + " on " + c.database()
                    + ": " + c.query().strip().replaceAll("\\s*\\n\\s*", " ") + " -- expect: " + c.expect().strip().replace("\n", "\\n"))).toList();
            commands.addAll(at, checks);
        }
        run.setRollbackCommands(commands);
        writePlan(run, jobs, db ? config.database() : null);
        return jobs;
    }

    /** {@code rollback-plan.json}: the exact argument lists and their environment values, before anything runs. */
    private static void writePlan(ReleaseRun run, List<ExecJob> jobs, ReleaseConfig.Database db) {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        var plan = json.createObjectNode();
        plan.put("tag", run.getRequest().tag());
        plan.put("dryRun", run.getRequest().dryRun());
        var commands = plan.putArray("commands");
        for (ExecJob job : jobs) {
            var c = commands.addObject();
            c.put("stage", job.stage());
            c.put("name", job.name());
            job.command().forEach(c.putArray("argv")::add);
            var env = c.putObject("env");
            new java.util.TreeMap<>(job.env()).forEach((k, v) -> {
                if (!k.equals("OUTPUT_DIR")) {
                    env.put(k, v);
                }
            });
        }
        if (db != null) {
            var checks = plan.putArray("checks");
            db.checks().forEach(check -> checks.addObject().put("name", check.name()).put("database", check.database())
                    .put("query", check.query()).put("expect", check.expect()));
            if (db.connection().password() != null) {
                plan.put("passwordFrom", "PGPASSWORD of the backup and restore commands from " + db.connection().password());
            }
        }
        var file = run.releaseDir().resolve(PLAN_FILE);
        try {
            Files2.writeAtomically(file, json.writeValueAsBytes(plan));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not write " + file, e);
        }
    }

    /** The rollback stage's commands, planned as its steps. */
    public List<ExecJob> jobs(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run, @ExchangeProperty(ReleaseRun.STAGE) String stage) {
        List<ExecJob> jobs = build(run);
        run.stage(stage).ifPresent(s -> s.plan(jobs.stream().map(ExecJob::name).toList()));
        return jobs;
    }

    /** The commands of the run's rollback, each with its values as environment variables too. */
    private List<ExecJob> build(ReleaseRun run) {
        RollbackTag tag = run.requireRollback();
        List<ExecJob> jobs = new ArrayList<>();
        if (tag.mode().equals(DatabaseRollback.MODE)) {
            // Deploy the previous version (every image of the suite release), then start the services.
            ReleaseHistory.Entry release = release("suite", "suite", tag.version());
            for (ReleaseConfig.Module module : config.modules().items()) {
                if (release.modules().containsKey(module.name()) && (module.image() || release.images().containsKey(module.name()))) {
                    jobs.add(job(run, module.name(), config.rollback().containers(), imageValues(module, release, tag.version())));
                }
            }
            jobs.addAll(database.startJobs(run));
        } else if (tag.mode().equals("helm")) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("REVISION", Integer.toString(tag.revision()));
            jobs.add(job(run, "helm", config.rollback().helm(), values));
        } else if (tag.target().equals("module")) {
            ReleaseConfig.Module module = config.module(tag.module()).orElseThrow();
            ReleaseHistory.Entry release = release("module", module.name(), tag.version());
            jobs.add(job(run, module.name(), config.rollback().containers(), imageValues(module, release, tag.version())));
        } else {
            ReleaseHistory.Entry release = release("suite", "suite", tag.version());
            for (ReleaseConfig.Module module : config.modules().items()) {
                if (release.modules().containsKey(module.name()) && (module.image() || release.images().containsKey(module.name()))) {
                    // Suite images are tagged with the suite version.
                    jobs.add(job(run, module.name(), config.rollback().containers(), imageValues(module, release, tag.version())));
                }
            }
        }
        return jobs;
    }

    private ReleaseHistory.Entry release(String kind, String name, String version) {
        return history.releasesOf(kind, name).stream().filter(e -> e.version().equals(version)).reduce((a, b) -> b)
                .orElseThrow(() -> new ReleaseRuleException("rollback", name + " " + version + " is no longer in the release history"));
    }

    /** The image as released: the repository the registry got (or the configured one when it was not pushed). */
    private Map<String, String> imageValues(ReleaseConfig.Module module, ReleaseHistory.Entry release, String version) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("MODULE", module.name());
        values.put("MODULE_LOWER", module.lowerName());
        values.put("IMAGE", Optional.ofNullable(release.images().get(module.name()))
                .orElse(config.containers().repository().replace("{module}", module.lowerName())));
        values.put("VERSION", version);
        return values;
    }

    private ExecJob job(ReleaseRun run, String name, List<String> command, Map<String, String> values) {
        List<String> argv = command.stream().map(arg -> CommandTemplate.fill(arg, values)).toList();
        var dir = run.releaseDir();
        var outputDir = Files2.recreateDirectory(dir.resolve("work").resolve(STAGE).resolve(name));
        Map<String, String> env = new LinkedHashMap<>(values);
        env.put("DRY_RUN", Boolean.toString(run.getRequest().dryRun()));
        env.put("OUTPUT_DIR", outputDir.toString());
        return new ExecJob(STAGE, name, argv, dir, env, config.rollback().timeout(),
                dir.resolve("logs").resolve(STAGE).resolve(name + ".log"), outputDir);
    }
}
