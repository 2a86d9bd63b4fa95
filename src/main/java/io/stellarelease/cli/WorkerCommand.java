package io.stellarelease.cli;

import io.stellarelease.app.CamelApp;
import io.stellarelease.config.ConfigException;
import io.stellarelease.exec.ProcessTreeExecutor;
import io.stellarelease.logging.LogFormat;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code worker}: a build worker, running the build steps conductors send to RabbitMQ ({@code stella.exec.mode = rabbitmq}). */
@Command(name = "worker",
        header = "Runs build steps (module builds, CLI builds, test suites) that conductors send over RabbitMQ.",
        mixinStandardHelpOptions = true,
        description = "Consumes the step queue (stella.exec.remote.queue) as a competing consumer, one step at a time per"
                + " consumer: runs the configured command with its values as environment variables (this worker's secrets"
                + " removed), its timeout and process-tree kill, writes its log and outputs to the shared directory, replies"
                + " to the conductor, then acknowledges the step. Runs until SIGTERM or Ctrl-C; a step running then is ended"
                + " and goes back to the queue.",
        footer = {"", "Exit codes: 0 stopped; 2 bad usage or configuration."})
public class WorkerCommand implements Callable<Integer> {

    @Option(names = "--name", paramLabel = "NAME", description = "This worker's name in run records and metrics.%nDefault: stella.worker.name, else <host>-<pid>.")
    String name;

    @Option(names = "--queue", paramLabel = "QUEUE", description = "The step queue.%nDefault: stella.exec.remote.queue, stella.steps.")
    String queue;

    @Option(names = "--shared-dir", paramLabel = "DIR", description = "Where this machine mounts the shared directory.%nDefault: stella.exec.shared-dir.")
    Path sharedDir;

    @Option(names = "--concurrency", paramLabel = "N", description = "Steps run at once.%nDefault: stella.worker.concurrency, 1.")
    Integer concurrency;

    @Option(names = "--checkout", description = "Always build a checkout of the step's commit, even when the workspace it names is visible here.")
    boolean checkout;

    // A worker reads no release configuration: the steps it runs carry their commands.
    @Option(names = "--properties", paramLabel = "FILE", defaultValue = "config/application.properties",
            description = "Camel and service properties (RabbitMQ, the step queue, the shared directory).%nDefault: ${DEFAULT-VALUE}.")
    Path properties;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "text (default; or the STELLA_LOG_FORMAT environment variable) or json: one JSON object per line on stdout.")
    LogFormat logFormat;

    @Override
    public Integer call() {
        if (logFormat != null) {
            logFormat.apply();
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        if (name != null) {
            overrides.put("stella.worker.name", name);
        }
        if (queue != null) {
            overrides.put("stella.exec.remote.queue", queue);
        }
        if (sharedDir != null) {
            overrides.put("stella.exec.shared-dir", sharedDir.toAbsolutePath().toString());
        }
        if (concurrency != null) {
            overrides.put("stella.worker.concurrency", concurrency.toString());
        }
        if (checkout) {
            overrides.put("stella.worker.checkout", "always");
        }
        try {
            Main main = CamelApp.configure(CamelApp.Mode.WORKER, properties, null, overrides);
            // On SIGTERM the running step's process tree is ended first, so Camel's stop does not wait for the build.
            Thread hook = new Thread(() -> {
                if (main.getCamelContext() != null) {
                    ProcessTreeExecutor executor = main.getCamelContext().getRegistry()
                            .lookupByNameAndType("processTreeExecutor", ProcessTreeExecutor.class);
                    if (executor != null) {
                        executor.stop();
                    }
                }
            }, "stella-worker-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
                @Override
                public void afterStart(org.apache.camel.main.BaseMainSupport started) {
                    var context = started.getCamelContext();
                    org.slf4j.LoggerFactory.getLogger(WorkerCommand.class).info("build worker {} ready: consuming {} ({} at once)",
                            context.getRegistry().lookupByNameAndType("buildWorker", io.stellarelease.worker.BuildWorker.class).name(),
                            context.resolvePropertyPlaceholders("{{stella.exec.remote.queue}}"),
                            context.resolvePropertyPlaceholders("{{stella.worker.concurrency}}"));
                }
            });
            main.run();
            return 0;
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("worker could not start: " + CamelApp.unwrap(e).getMessage());
            return 2;
        }
    }
}
