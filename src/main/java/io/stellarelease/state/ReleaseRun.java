package io.stellarelease.state;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.stellarelease.rules.ModuleTagParser;
import io.stellarelease.rules.ModuleTagParser.ModuleTag;
import io.stellarelease.rules.RollbackTag;
import io.stellarelease.rules.SuiteVersion;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state of one release run, carried through the pipeline as the exchange property
 * {@value #PROPERTY}. Stages add to it; the manifest and the summary are written from it.
 * A run releases a suite ({@link #requireSuite()}), one module ({@link #requireModule()}) or rolls back
 * ({@link #requireRollback()}), chosen by its tag: one {@link Target}, set when the tag was checked. Stages shared by the
 * pipelines use {@link #version()}, {@link #releaseTag()} and {@link #releaseDir()}. In state.json (and the run API)
 * the target is written as before, under {@code suite}, {@code module} or {@code rollback}.
 */
public final class ReleaseRun {
    public static final String PROPERTY = "stellaRun";
    /** The exchange property naming the stage an exchange works for, set when the stage's step starts. */
    public static final String STAGE = "stage";

    private final String id;
    private final ReleaseRequest request;
    private final Instant startedAt;
    private volatile Instant finishedAt;
    private volatile Target target;
    private volatile String fixes;
    private volatile List<List<String>> rollbackCommands;
    private volatile String commit;
    private volatile Instant commitTime;
    private volatile String failure;
    private volatile String summary;
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, StageRecord> stages = new LinkedHashMap<>();
    private volatile List<PlannedStage> plan = List.of();

    public ReleaseRun(String id, ReleaseRequest request, Instant startedAt) {
        this.id = id;
        this.request = request;
        this.startedAt = startedAt;
    }

    public String getId() {
        return id;
    }

    public ReleaseRequest getRequest() {
        return request;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public Instant getFinishedAt() {
        return finishedAt;
    }

    public void finish(Instant at) {
        this.finishedAt = at;
    }

    /** The suite, module or rollback this run is about; null until its tag was checked. */
    @JsonIgnore
    public Target getTarget() {
        return target;
    }

    /** Sets the run's one target, which must be of the kind its tag names. */
    public void setTarget(Target target) {
        if (target != null && !target.kind().equals(getKind())) {
            throw new IllegalStateException("run " + id + " of " + request.tag() + " is a " + getKind() + " run: it cannot hold a "
                    + target.kind() + " (" + target.tag() + ")");
        }
        this.target = target;
    }

    public SuiteVersion getSuite() {
        return target instanceof Target.Suite s ? s.suite() : null;
    }

    public void setSuite(SuiteVersion suite) {
        setTarget(suite == null ? (target instanceof Target.Suite ? null : target) : new Target.Suite(suite));
    }

    /** The suite, or a clear error when a stage runs before validate (e.g. after a YAML edit that moved it). */
    public SuiteVersion requireSuite() {
        if (!(target instanceof Target.Suite s)) {
            throw new IllegalStateException("the validate stage must run before this stage: no validated release yet");
        }
        return s.suite();
    }

    public RollbackTag getRollback() {
        return target instanceof Target.Rollback r ? r.rollback() : null;
    }

    public void setRollback(RollbackTag rollback) {
        setTarget(rollback == null ? (target instanceof Target.Rollback ? null : target) : new Target.Rollback(rollback));
    }

    public RollbackTag requireRollback() {
        if (!(target instanceof Target.Rollback r)) {
            throw new IllegalStateException("the plan-rollback stage must run before this stage: no rollback planned yet");
        }
        return r.rollback();
    }

    /** A rollback's commands, as run (or, in a dry run, as they would run). */
    public List<List<String>> getRollbackCommands() {
        return rollbackCommands;
    }

    public void setRollbackCommands(List<List<String>> commands) {
        this.rollbackCommands = commands == null ? null : List.copyOf(commands);
    }

    @JsonIgnore
    public boolean isRollback() {
        return RollbackTag.isRollbackTag(request.tag());
    }

    /** For a hotfix: the tag of the release it fixes, from the release history. */
    public String getFixes() {
        return fixes;
    }

    public void setFixes(String fixes) {
        this.fixes = fixes;
    }

    public ModuleTag getModule() {
        return target instanceof Target.Module m ? m.module() : null;
    }

    public void setModule(ModuleTag module) {
        setTarget(module == null ? (target instanceof Target.Module ? null : target) : new Target.Module(module));
    }

    /** The module, or a clear error when a module stage runs before validate-module. */
    public ModuleTag requireModule() {
        if (!(target instanceof Target.Module m)) {
            throw new IllegalStateException("the validate-module stage must run before this stage: no validated module release yet");
        }
        return m.module();
    }

    /** {@code suite} or {@code module}, from the tag: which pipeline runs it. */
    public String getKind() {
        return kindOf(request.tag());
    }

    public static String kindOf(String tag) {
        return RollbackTag.isRollbackTag(tag) ? "rollback" : ModuleTagParser.isModuleTag(tag) ? "module" : "suite";
    }

    @JsonIgnore
    public boolean isModuleRelease() {
        return ModuleTagParser.isModuleTag(request.tag());
    }

    /** Whether validation has passed: a suite or a module version is known. */
    @JsonIgnore
    public boolean isValidated() {
        return target != null;
    }

    /** The released version: the suite's calendar version or the module's SemVer. */
    public String version() {
        return isRollback() ? requireRollback().label() : isModuleRelease() ? requireModule().version() : requireSuite().version();
    }

    /** The validated tag. */
    public String releaseTag() {
        return isRollback() ? requireRollback().tag() : isModuleRelease() ? requireModule().tag() : requireSuite().tag();
    }

    /** The name in the release's file names: {@code 2026.04}, or {@code authority-1.4.0} for a module. */
    public String releaseName() {
        if (isRollback()) {
            return requireRollback().tag().substring(RollbackTag.PREFIX.length());
        }
        return isModuleRelease() ? requireModule().module().toLowerCase(java.util.Locale.ROOT) + "-" + requireModule().version()
                : requireSuite().version();
    }

    public String getCommit() {
        return commit;
    }

    public Instant getCommitTime() {
        return commitTime;
    }

    public void setCommit(String commit, Instant time) {
        this.commit = commit;
        this.commitTime = time;
    }

    /** Timestamp written into archives and images: the commit time when known, so rebuilds are byte-identical. */
    public Instant reproducibleTime() {
        return commitTime != null ? commitTime : Instant.parse("1980-01-01T00:00:00Z");
    }

    /** Everything this release writes lands under {@code <out>/<version>/} ({@code <out>/modules/<module>/<version>/}). */
    public Path releaseDir() {
        return releaseDir(request.outputRoot(), request.tag(), isRollback() ? null : version());
    }

    /**
     * The release directory of a tag already validated, before its run exists. Modules get their own tree, so a module
     * version never lands beside (or on) a suite version.
     */
    public static Path releaseDir(Path outputRoot, String tag, String version) {
        if (RollbackTag.isRollbackTag(tag)) {
            // A rollback's commands, logs, plan and summary: one directory per rollback target.
            return outputRoot.resolve("rollbacks").resolve(tag.substring(RollbackTag.PREFIX.length())).toAbsolutePath().normalize();
        }
        Path dir = ModuleTagParser.isModuleTag(tag)
                ? outputRoot.resolve("modules").resolve(ModuleTagParser.nameInTag(tag)).resolve(version)
                : outputRoot.resolve(version);
        return dir.toAbsolutePath().normalize();
    }

    public String getFailure() {
        return failure;
    }

    public void setFailure(String failure) {
        if (this.failure == null) {
            this.failure = failure;
        }
    }

    /** The rendered summary (Markdown), once the summary stage has run. */
    @JsonIgnore
    public String getSummary() {
        return summary;
    }

    public void setSummary(String summary) {
        this.summary = summary;
    }

    public boolean isSucceeded() {
        return failure == null && stages.values().stream().noneMatch(s -> s.getStatus().failed());
    }

    public synchronized void warn(String warning) {
        warnings.add(warning);
    }

    public synchronized List<String> getWarnings() {
        return List.copyOf(warnings);
    }

    public synchronized StageRecord startStage(String name, Instant at) {
        StageRecord record = new StageRecord(name, at);
        stages.put(name, record);
        return record;
    }

    /** Puts back a stage an earlier attempt of this run completed; the pipeline will not run it again. */
    public synchronized void restoreStage(StageRecord record) {
        stages.put(record.getName(), record);
    }

    public synchronized Optional<StageRecord> stage(String name) {
        return Optional.ofNullable(stages.get(name));
    }

    public synchronized List<StageRecord> getStages() {
        return List.copyOf(stages.values());
    }

    /** The stages the pipeline lists, checked before the run started. */
    public void setPlan(List<PlannedStage> plan) {
        this.plan = List.copyOf(plan);
    }

    @JsonIgnore
    public List<PlannedStage> getPlan() {
        return plan;
    }

    public Optional<PlannedStage> planned(String stage) {
        return plan.stream().filter(p -> p.name().equals(stage)).findFirst();
    }

    /** The successful steps of every stage of this run that produces {@code kind} (e.g. {@code modules}). */
    public List<StepResult> produced(String kind) {
        return plan.stream().filter(p -> p.produces().contains(kind)).flatMap(p -> doneSteps(p.name()).stream()).toList();
    }

    /** The stage of this run that produces {@code kind}, if it ran. */
    public Optional<StageRecord> producer(String kind) {
        return plan.stream().filter(p -> p.produces().contains(kind)).map(p -> stage(p.name()))
                .flatMap(Optional::stream).findFirst();
    }

    /** Steps of a stage that succeeded, or none when the stage did not run. */
    public List<StepResult> doneSteps(String stage) {
        return stage(stage).map(s -> s.getSteps().stream().filter(r -> r.status() == Status.DONE).toList())
                .orElse(List.of());
    }
}
