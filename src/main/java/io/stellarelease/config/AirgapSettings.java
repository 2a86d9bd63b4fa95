package io.stellarelease.config;


import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code airgap:} section of release.yaml with its defaults, checked at start-up. A configuration without the
 * section builds no bundle (like one without {@code publish:} publishes nothing).
 */
public record AirgapSettings(boolean enabled, Compression compression, Optional<String> testRegistry,
                             List<String> dockerRegistryCommand) {

    /** The one value the scratch registry command may name: its generated configuration file. */
    public static final String CONFIG_VALUE = "CONFIG";
    public static final List<String> DEFAULT_COMMAND = List.of("docker-registry", "serve", "${" + CONFIG_VALUE + "}");
    private static final Pattern VALUE = Pattern.compile("\\$\\{([^}]*)}");

    /** The bundle's compression, and the file name ending it gives. */
    public enum Compression {
        NONE(".tar"), GZIP(".tar.gz"), ZSTD(".tar.zst");

        private final String extension;

        Compression(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static AirgapSettings of(ReleaseConfig config) {
        ReleaseConfig.Airgap a = config.airgap();
        if (a == null) {
            return new AirgapSettings(false, Compression.NONE, Optional.empty(), DEFAULT_COMMAND);
        }
        return new AirgapSettings(a.on(),
                a.compression() == null ? Compression.NONE : Compression.valueOf(a.compression().toUpperCase(Locale.ROOT)),
                Optional.ofNullable(a.testRegistry()).map(u -> u.replaceAll("/+$", "")),
                a.dockerRegistryCommand() == null ? DEFAULT_COMMAND : List.copyOf(a.dockerRegistryCommand()));
    }

    /** Called by the configuration loader: a broken airgap section stops start-up with the key and the value. */
    public static void check(Path file, ReleaseConfig.Airgap a) {
        if (a == null) {
            return;
        }
        if (a.compression() != null) {
            require(file, List.of("none", "gzip", "zstd").contains(a.compression()),
                    "airgap.compression must be none, gzip or zstd: got " + a.compression());
        }
        if (a.testRegistry() != null) {
            URI uri;
            try {
                uri = URI.create(a.testRegistry());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file + ": airgap.testRegistry is not a URL: " + a.testRegistry());
            }
            require(file, uri.getHost() != null && List.of("http", "https").contains(uri.getScheme())
                            && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")),
                    "airgap.testRegistry must be a registry's base URL, http(s)://host[:port]: got " + a.testRegistry());
        }
        if (a.dockerRegistryCommand() != null) {
            List<String> command = a.dockerRegistryCommand();
            require(file, !command.isEmpty() && command.stream().noneMatch(arg -> arg == null || arg.isEmpty()),
                    "airgap.dockerRegistryCommand: command must be a non-empty list of arguments");
            boolean namesConfig = false;
            for (String arg : command) {
                Matcher m = VALUE.matcher(arg);
                while (m.find()) {
                    require(file, m.group(1).equals(CONFIG_VALUE), "airgap.dockerRegistryCommand: unknown value ${"
                            + m.group(1) + "}: only ${" + CONFIG_VALUE + "} (the registry's configuration file)");
                    namesConfig = true;
                }
            }
            require(file, namesConfig, "airgap.dockerRegistryCommand must pass the registry its configuration as ${"
                    + CONFIG_VALUE + "}: got " + command);
        }
    }

    private static void require(Path file, boolean ok, String message) {
        if (!ok) {
            throw new ConfigException(file + ": " + message);
        }
    }
}
