package io.stellarelease.dispatch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.rules.ReleaseRuleException;
import io.stellarelease.rules.SuiteVersion;
import io.stellarelease.workspace.ModuleVersions;

import static io.stellarelease.dispatch.DispatchMessages.MESSAGE;
import static io.stellarelease.dispatch.MessageText.show;

/**
 * The rollback form: its fields to a {@link RollbackDispatch} and back. The message's shape only: what can be rolled
 * back, and to what, is checked against the history on intake.
 */
final class RollbackMessage {

    private final ReleaseConfig config;

    RollbackMessage(ReleaseConfig config) {
        this.config = config;
    }

    RollbackDispatch read(MessageFields fields) {
        String target = fields.text("target");
        String module = fields.text("module");
        String version = fields.text("version");
        String mode = fields.text("mode");
        String revision = fields.text("revision");
        if (target == null) {
            target = module != null ? "module" : "suite";
        }
        if (!target.equals("module") && !target.equals("suite")) {
            throw new DispatchException(MESSAGE, "target must be module or suite: got '" + show(target) + "'");
        }
        if (target.equals("module")) {
            if (module == null) {
                throw new DispatchException(MESSAGE, "module is required for a module rollback: one of " + ModuleMessage.moduleNames(config));
            }
            String written = module;
            module = config.module(module).map(ReleaseConfig.Module::name).orElseThrow(() -> new DispatchException(MESSAGE,
                    "module must be one of " + ModuleMessage.moduleNames(config) + ": got '" + show(written) + "'"));
        }
        if (mode == null) {
            mode = "containers";
        }
        if (!mode.equals("containers") && !mode.equals("helm") && !mode.equals("database")) {
            throw new DispatchException(MESSAGE, "mode must be containers, helm or database: got '" + show(mode) + "'");
        }
        if (version != null && !ModuleVersions.isSemVer(version) && !SuiteVersion.isVersion(version)) {
            if (SuiteVersion.looksLikeVersion(version)) {
                try {
                    SuiteVersion.parseVersion(MESSAGE, version); // says which suite-version rule, as for tags
                } catch (ReleaseRuleException e) {
                    throw new DispatchException(MESSAGE, e.rule(), e);
                }
            }
            throw new DispatchException(MESSAGE, "version must be a module's SemVer or a suite version: got '" + show(version) + "'");
        }
        if (revision != null && !revision.matches("\\d{1,9}")) {
            throw new DispatchException(MESSAGE, "revision must be a Helm revision number: got '" + show(revision) + "'");
        }
        return new RollbackDispatch(target, module, version, mode, revision == null ? null : Integer.valueOf(revision),
                fields.bool("dryRun", false));
    }

    static void write(RollbackDispatch r, ObjectNode node) {
        node.put("target", r.target());
        if (r.module() != null) {
            node.put("module", r.module());
        }
        if (r.version() != null) {
            node.put("version", r.version());
        }
        node.put("mode", r.mode());
        if (r.revision() != null) {
            node.put("revision", r.revision());
        }
        node.put("dryRun", r.dryRun());
    }
}
