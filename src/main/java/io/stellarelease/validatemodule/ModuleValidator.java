package io.stellarelease.validatemodule;

import io.stellarelease.pipeline.ReleaseDirGuard;
import io.stellarelease.workspace.GitInfo;
import io.stellarelease.workspace.ModuleVersions;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.rules.ChangelogRule;
import io.stellarelease.rules.ModuleTagParser;
import io.stellarelease.rules.ModuleTagParser.ModuleTag;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.state.ReleaseRun;
import org.apache.camel.ExchangeProperty;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The validate-module stage: a module tag against the module rules (a configured module, SemVer), then the
 * workspace: the module's {@code version.txt}, when it has one, must hold the tag's version, and there must be a
 * changelog section for the version (the module's own {@code CHANGELOG.md} when it has one, else the workspace's).
 * Runs no command.
 */
public class ModuleValidator {
    public static final String CHANGELOG = "CHANGELOG.md";

    private final ReleaseConfig config;
    private final ModuleTagParser tags;
    private final ModuleVersions versions;
    private final GitInfo git;

    public ModuleValidator(ReleaseConfig config, ModuleVersions versions, GitInfo git) {
        this.config = config;
        this.tags = new ModuleTagParser(config);
        this.versions = versions;
        this.git = git;
    }

    public void validate(@ExchangeProperty(ReleaseRun.PROPERTY) ReleaseRun run) {
        String tag = run.getRequest().tag();
        ModuleTag module = tags.parse(tag);
        Path workspace = run.getRequest().workspace();
        if (!Files.isDirectory(workspace)) {
            throw new ReleaseRuleException(tag, "workspace must be a directory: " + workspace + " not found");
        }
        ReleaseConfig.Module configured = config.module(module.module()).orElseThrow();
        // versionOf answers the fallback when there is no version.txt: then the tag's version is the module's.
        String inWorkspace = versions.versionOf(tag, workspace, configured, module.version());
        if (!inWorkspace.equals(module.version())) {
            throw new ReleaseRuleException(tag, "module version must match " + configured.path() + "/"
                    + ModuleVersions.FILE + ": it holds " + inWorkspace + ", the tag says " + module.version());
        }
        Path own = workspace.resolve(configured.path()).resolve(CHANGELOG);
        ChangelogRule.check(tag, Files.isRegularFile(own) ? own : workspace.resolve(config.rules().changelog()),
                module.version());
        ReleaseDirGuard.prepare(run, module.version());
        run.setModule(module);
        git.describe(workspace).ifPresent(c -> run.setCommit(c.sha(), c.time()));
    }
}
