package io.stellarelease.dispatch;

import java.util.Locale;

/**
 * The module publish form: module (the configured name, {@code Authority}), SemVer version, publish NuGet?,
 * publish container?, dry run.
 */
public record ModuleDispatch(String module, String version, boolean publishNuget, boolean publishContainer,
                             boolean dryRun) implements DispatchRequest {

    public static final String KIND = "module";

    @Override
    public String kind() {
        return KIND;
    }

    /** The equivalent tag: {@code module-{module in lower case}-v{version}}, e.g. {@code module-authority-v1.2.3}. */
    @Override
    public String tag() {
        return "module-" + module.toLowerCase(Locale.ROOT) + "-v" + version;
    }
}
