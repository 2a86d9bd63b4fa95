package io.stellarelease.validate;

import io.stellarelease.workspace.GitInfo;
import io.stellarelease.workspace.ModuleVersions;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.pipeline.ReleaseDirGuard;
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
    private final ReleaseHistory history;

    public ReleaseValidator(ReleaseConfig config, ModuleVersions moduleVersions, GitInfo git, ReleaseHistory history) {
        this.config = config;
        this.tags = new SuiteTagParser(config);
        this.moduleVersions = moduleVersions;
        this.git = git;
        this.history = history;
    }

    public void validate(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        String tag = run.getRequest().tag();
        SuiteVersion suite = tags.parse(tag);
        ReleaseHistory.Entry fixed = null;
        if (suite.isHotfix()) {
            fixed = fixedRelease(suite);
            suite = new SuiteVersion(suite.tag(), suite.version(), suite.baseVersion(), suite.hotfix(), suite.codename(),
                    fixed.channel());
        }
        Path workspace = run.getRequest().workspace();
        if (!Files.isDirectory(workspace)) {
            throw new ReleaseRuleException(tag, "workspace must be a directory: " + workspace + " not found");
        }
        ChangelogRule.check(tag, workspace.resolve(config.rules().changelog()), suite.version());
        checkChecklist(run, suite, workspace.resolve(config.rules().checklist()));
        String version = suite.version();
        config.modules().items().forEach(m -> moduleVersions.versionOf(tag, workspace, m, version));
        ReleaseDirGuard.prepare(run, version);
        run.setSuite(suite);
        run.setFixes(fixed == null ? null : fixed.tag());
        git.describe(workspace).ifPresent(c -> run.setCommit(c.sha(), c.time()));
    }

    /**
     * The release a hotfix fixes: the latest release of its suite version in the history. The hotfix inherits its
     * channel (the codename is the registered one either way); a channel in the tag must agree.
     */
    private ReleaseHistory.Entry fixedRelease(SuiteVersion hotfix) {
        ReleaseHistory.Entry fixed = history.suiteRelease(hotfix.baseVersion()).orElseThrow(() -> new ReleaseRuleException(
                hotfix.tag(), "a hotfix must fix a released suite: " + hotfix.baseVersion()
                        + " is not in the release history (" + history.dir() + ")"));
        String lower = hotfix.tag().toLowerCase(java.util.Locale.ROOT);
        boolean channelInTag = lower.endsWith("-stable") || lower.endsWith("-lts");
        if (channelInTag && !hotfix.channel().equals(fixed.channel())) {
            throw new ReleaseRuleException(hotfix.tag(), "a hotfix keeps the channel of the release it fixes: "
                    + fixed.tag() + " is " + fixed.channel() + ", got " + hotfix.channel());
        }
        return fixed;
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
