package io.stellarelease.cli;

import io.stellarelease.app.CamelApp;
import io.stellarelease.config.ConfigException;
import io.stellarelease.config.ConfigLoader;
import io.stellarelease.config.ReleaseConfig;
import io.stellarelease.dispatch.DispatchMessages;
import io.stellarelease.dispatch.DispatchRequest;
import io.stellarelease.dispatch.ModuleDispatch;
import io.stellarelease.dispatch.SuiteDispatch;
import io.stellarelease.rules.ReleaseRuleException;
import org.apache.camel.Exchange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;

/** {@code dispatch suite|module ...}: drops a "Run workflow" message on the configured dispatch queue. */
@Command(name = "dispatch",
        mixinStandardHelpOptions = true,
        description = "Drops a dispatch message on the configured queue (a directory by default, or RabbitMQ).",
        subcommands = {DispatchCommand.Suite.class, DispatchCommand.Module.class},
        footer = {"", "Exit codes: 0 queued; 2 bad usage or configuration; 3 the message breaks a release rule."})
public class DispatchCommand {

    @Mixin
    ConfigFiles files;


    @Command(name = "suite", description = "Dispatch a suite release.")
    static class Suite implements java.util.concurrent.Callable<Integer> {
        // Not mixinStandardHelpOptions: its -V/--version would clash with --version (picocli then drops --help too).
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @ParentCommand
        DispatchCommand parent;

        @Option(names = "--version", required = true, description = "Suite version, e.g. 2026.04 (or 2026.04.1 for a hotfix).")
        String version;

        @Option(names = "--codename", description = "Codename, e.g. Nova (the registered one for the version).")
        String codename;

        @Option(names = "--channel", defaultValue = "edge", description = "edge, stable or lts (default: ${DEFAULT-VALUE}).")
        String channel;

        @Option(names = "--skip-tests", description = "Skip the test gate.")
        boolean skipTests;

        @Option(names = "--dry-run", description = "Publish nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            return parent.send(new SuiteDispatch(version, codename, channel, skipTests, dryRun));
        }
    }

    @Command(name = "module", description = "Dispatch a module release.")
    static class Module implements java.util.concurrent.Callable<Integer> {
        // Not mixinStandardHelpOptions: its -V/--version would clash with --version (picocli then drops --help too).
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;

        @ParentCommand
        DispatchCommand parent;

        @Option(names = "--module", required = true, description = "Module, e.g. Authority.")
        String module;

        @Option(names = "--version", required = true, description = "SemVer, e.g. 1.2.3 or 1.3.0-rc.1.")
        String version;

        @Option(names = "--publish-nuget", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Publish the NuGet package (default: true; --no-publish-nuget to skip).")
        boolean publishNuget;

        @Option(names = "--publish-container", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Publish the container image (default: true; --no-publish-container to skip).")
        boolean publishContainer;

        @Option(names = "--dry-run", description = "Publish nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            return parent.send(new ModuleDispatch(module, version, publishNuget, publishContainer, dryRun));
        }
    }

    /** Checks the message with the same parser the service uses, then sends it to the queue endpoint. */
    int send(DispatchRequest request) {
        try (CamelApp app = CamelApp.start(CamelApp.Mode.SEND, files.properties, files.config, Map.of())) {
            ReleaseConfig releaseConfig = ConfigLoader.load(Path.of(app.property("stella.config")));
            DispatchMessages messages = new DispatchMessages(releaseConfig);
            byte[] body = messages.write(request);
            DispatchRequest checked = messages.parse(body, "application/json");
            String name = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
                    + "-" + checked.kind() + "-" + UUID.randomUUID().toString().substring(0, 8) + ".json";
            String uri = app.property("stella.dispatch.uri");
            app.template().sendBodyAndHeaders(uri, body, Map.of(Exchange.FILE_NAME, name,
                    "CamelSpringRabbitmqContentType", "application/json", "CamelSpringRabbitmqMessageId", name));
            System.out.println("queued " + checked.tag() + " as " + name + " on " + uri.replaceAll("\\?.*", ""));
            return 0;
        } catch (ReleaseRuleException e) {
            System.err.println(e.getMessage());
            return 3;
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("dispatch failed: " + CamelApp.unwrap(e).getMessage());
            return 1;
        }
    }
}
