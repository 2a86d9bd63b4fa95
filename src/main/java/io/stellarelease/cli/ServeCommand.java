package io.stellarelease.cli;

import io.stellarelease.app.CamelApp;
import io.stellarelease.config.ConfigException;
import io.stellarelease.logging.LogFormat;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code serve}: the release service: tag webhooks, the dispatch queue, durable runs and the run API. */
@Command(name = "serve",
        header = "Runs the release service: webhooks, dispatch messages, the run API and the dashboard.",
        mixinStandardHelpOptions = true,
        description = "Runs the release service until stopped (SIGTERM or Ctrl-C): webhooks at /api/v1/webhooks/{gitea,github}, dispatch messages from the configured queue and POST /api/v1/dispatch, the run API at /api/v1/runs, health at /observe/health. Runs a previous process accepted but did not finish are resumed.",
        footer = {"", "Exit codes: 0 stopped; 2 bad usage or configuration (e.g. no webhook secret)."})
public class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default: camel.server.port, 8080).")
    Integer port;

    @Option(names = "--state", paramLabel = "DIR", description = "Where run records are kept.%nDefault: stella.state-dir, state.")
    Path state;

    @Mixin
    ConfigFiles files;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "text (default; or the STELLA_LOG_FORMAT environment variable) or json: one JSON object per line on stdout.")
    LogFormat logFormat;


    @Option(names = "--allow-unsigned-webhooks", description = "Accept webhooks without a signature (local use only).")
    boolean allowUnsigned;

    @Override
    public Integer call() {
        if (logFormat != null) {
            logFormat.apply();
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        if (port != null) {
            overrides.put("camel.server.port", port.toString());
            overrides.put("camel.management.port", port.toString());
        }
        if (state != null) {
            overrides.put("stella.state-dir", state.toString());
        }
        if (allowUnsigned) {
            overrides.put("stella.webhook.allow-unsigned", "true");
        }
        try {
            Main main = CamelApp.configure(CamelApp.Mode.SERVE, files.properties, files.config, overrides);
            main.run(); // blocks; SIGTERM stops intake, then interrupts and records running builds
            return 0;
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("serve could not start: " + CamelApp.unwrap(e).getMessage());
            return 2;
        }
    }
}
