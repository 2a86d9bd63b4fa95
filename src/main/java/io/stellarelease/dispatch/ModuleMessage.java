package io.stellarelease.dispatch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.workspace.ModuleVersions;

import java.util.Optional;
import java.util.stream.Collectors;

import static io.stellarelease.dispatch.DispatchMessages.MESSAGE;
import static io.stellarelease.dispatch.MessageText.show;

/**
 * The module publish form: its fields to a {@link ModuleDispatch} and back. The module must be configured
 * (case-insensitive, normalised to the configured spelling) and its version SemVer.
 */
final class ModuleMessage {

    private final ReleaseConfig config;

    ModuleMessage(ReleaseConfig config) {
        this.config = config;
    }

    ModuleDispatch read(MessageFields fields) {
        String module = fields.text("module");
        String version = fields.text("version");
        boolean publishNuget = fields.bool("publishNuget", true);
        boolean publishContainer = fields.bool("publishContainer", true);
        boolean dryRun = fields.bool("dryRun", false);
        if (module == null) {
            throw new DispatchException(MESSAGE, "module is required: one of " + moduleNames(config));
        }
        if (version == null) {
            throw new DispatchException(MESSAGE, "version is required, e.g. \"1.2.3\"");
        }

        Optional<ReleaseConfig.Module> configured = config.module(module);
        if (configured.isEmpty()) {
            throw new DispatchException("dispatch module " + show(module) + " " + show(version),
                    "module must be one of " + moduleNames(config) + ": got '" + show(module) + "'");
        }
        String name = configured.get().name();
        if (!ModuleVersions.isSemVer(version)) {
            throw new DispatchException("dispatch module " + name + " " + show(version),
                    "version must be SemVer (MAJOR.MINOR.PATCH[-prerelease]): got '" + show(version) + "'");
        }
        return new ModuleDispatch(name, version, publishNuget, publishContainer, dryRun);
    }

    static void write(ModuleDispatch m, ObjectNode node) {
        node.put("module", m.module());
        node.put("version", m.version());
        node.put("publishNuget", m.publishNuget());
        node.put("publishContainer", m.publishContainer());
        node.put("dryRun", m.dryRun());
    }

    static String moduleNames(ReleaseConfig config) {
        return config.modules().items().stream().map(ReleaseConfig.Module::name).collect(Collectors.joining(", "));
    }
}
