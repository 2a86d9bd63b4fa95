package io.stellarelease.stages;

import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.rules.ChangelogRule;
import io.stellarelease.rules.Checklist;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.rules.SuiteTagParser;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.state.ReleaseRun;
import org.apache.camel.ExchangeProperty;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The validate stage: the tag against the release rules, then the workspace (changelog, checklist,
 * module versions). It runs no command; every rejection is one {@link ReleaseRuleException}.
 */
public class ReleaseValidator {
    private final ReleaseConfig config;
    private final SuiteTagParser tags;
    private final ModuleVersions moduleVersions;
    private final GitInfo git;

    public ReleaseValidator(ReleaseConfig config, ModuleVersions moduleVersions, GitInfo git) {
        this.config = config;
        this.tags = new SuiteTagParser(config);
        this.moduleVersions = moduleVersions;
        this.git = git;
    }

    public void validate(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        String tag = run.getRequest().tag();
        SuiteVersion suite = tags.parse(tag);
        Path workspace = run.getRequest().workspace();
        if (!Files.isDirectory(workspace)) {
            throw new ReleaseRuleException(tag, "workspace must be a directory: " + workspace + " not found");
        }
        ChangelogRule.check(tag, workspace.resolve(config.rules().changelog()), suite.version());
        checkChecklist(run, suite, workspace.resolve(config.rules().checklist()));
        config.modules().items().forEach(m -> moduleVersions.versionOf(tag, workspace, m, suite.version()));
        run.setSuite(suite);
        git.describe(workspace).ifPresent(c -> run.setCommit(c.sha(), c.time()));
    }

    private void checkChecklist(ReleaseRun run, SuiteVersion suite, Path file) {
        boolean required = config.rules().checklistRequiredFor().contains(suite.channel());
        if (!Files.isRegularFile(file)) {
            if (required) {
                throw new ReleaseRuleException(suite.tag(), "the release checklist must be fully ticked for "
                        + suite.channel() + " releases: " + file + " not found");
            }
            run.warn("release checklist " + file.getFileName() + " not found");
            return;
        }
        Checklist checklist = Checklist.read(file);
        if (checklist.open().isEmpty()) {
            if (checklist.isEmpty()) {
                run.warn("release checklist " + file.getFileName() + " has no task items");
            }
            return;
        }
        String open = "'" + String.join("', '", checklist.open()) + "'";
        if (required) {
            throw new ReleaseRuleException(suite.tag(), "the release checklist must be fully ticked for " + suite.channel()
                    + " releases: " + checklist.open().size() + " unticked: " + open);
        }
        checklist.open().forEach(item -> run.warn("release checklist item not ticked: " + item));
    }
}
