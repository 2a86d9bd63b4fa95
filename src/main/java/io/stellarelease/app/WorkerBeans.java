package io.stellarelease.app;

import io.stellarelease.exec.ProcessTreeExecutor;
import io.stellarelease.exec.StepQueues;
import io.stellarelease.worker.BuildWorker;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code stella-release worker}: the build worker and its one route, which consumes the step queue as a competing
 * consumer (prefetch 1 per consumer, so a busy worker holds no step another could run) and acknowledges a step only
 * once its result is sent back (camel-spring-rabbitmq, acknowledge mode AUTO: after the route completed). A step the
 * worker hands back because it is stopping goes back to the queue ({@link #workerRetry()}).
 */
public class WorkerBeans implements CamelConfiguration {

    @PropertyInject(value = "stella.exec.secret-suffixes", defaultValue = "_TOKEN,_SECRET,_PASSWORD,_API_KEY,_APIKEY")
    private String secretSuffixes;
    @PropertyInject(value = "stella.exec.stop-grace", defaultValue = "5s")
    private String stopGrace;
    @PropertyInject(value = "stella.exec.remote.queue", defaultValue = "stella.steps")
    private String queue;
    @PropertyInject(value = "stella.exec.remote.max-deliveries", defaultValue = "3")
    private int maxDeliveries;
    @PropertyInject(value = "stella.exec.shared-dir", defaultValue = "")
    private String sharedDir;
    @PropertyInject(value = "stella.worker.name", defaultValue = "")
    private String name;
    @PropertyInject(value = "stella.worker.concurrency", defaultValue = "1")
    private int concurrency;
    @PropertyInject(value = "stella.worker.checkout-dir", defaultValue = "work/checkouts")
    private String checkoutDir;
    @PropertyInject(value = "stella.worker.checkout", defaultValue = "auto")
    private String checkout;

    private ProcessTreeExecutor executor;
    private BuildWorker worker;

    private synchronized ProcessTreeExecutor executor() {
        if (executor == null) {
            List<String> suffixes = Arrays.stream(secretSuffixes.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            executor = new ProcessTreeExecutor(suffixes, org.apache.camel.util.TimeUtils.toDuration(stopGrace));
        }
        return executor;
    }

    @BindToRegistry
    public ProcessTreeExecutor processTreeExecutor() {
        return executor();
    }

    @BindToRegistry
    public BuildWorker buildWorker(CamelContext context) {
        return worker(context);
    }

    private synchronized BuildWorker worker(CamelContext context) {
        if (worker == null) {
            if (!checkout.equals("auto") && !checkout.equals("always")) {
                throw new io.stellarelease.config.ConfigException("stella.worker.checkout must be auto or always, got " + checkout);
            }
            String me = name.isBlank() ? host() + "-" + ProcessHandle.current().pid() : name;
            worker = new BuildWorker(me, executor(), sharedDir.isBlank() ? null : Path.of(sharedDir), Path.of(checkoutDir),
                    checkout.equals("always"), context.createProducerTemplate());
        }
        return worker;
    }

    /**
     * A step the worker could not finish because it is stopping goes back to the queue at once (a nack with requeue),
     * for another worker: camel-spring-rabbitmq's own recovery would either drop it (acknowledged, lost) or reject it
     * to the dead-letter exchange (counted as a step that kills workers).
     */
    @BindToRegistry
    public org.springframework.retry.interceptor.RetryOperationsInterceptor workerRetry() {
        return org.springframework.amqp.rabbit.config.RetryInterceptorBuilder.stateless().maxAttempts(1)
                .recoverer((message, cause) -> {
                    throw new org.springframework.amqp.ImmediateRequeueAmqpException("step handed back to the queue", cause);
                }).build();
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        StepQueues queues = new StepQueues(queue, maxDeliveries);
        BuildWorker w = worker(context);
        // Startup listeners run before the routes' consumers start: the queue exists when the worker subscribes.
        context.addStartupListener((ctx, alreadyStarted) -> {
            if (!alreadyStarted) {
                queues.declare(ctx.getRegistry().lookupByNameAndType("rabbitConnectionFactory", ConnectionFactory.class));
            }
        });
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("spring-rabbitmq:" + queues.exchange() + "?queues=" + queues.queue() + "&autoDeclare=false"
                        + "&prefetchCount=1&concurrentConsumers=" + concurrency
                        + "&acknowledgeMode=AUTO&rejectAndDontRequeue=false&retry=#workerRetry")
                        .routeId("build-worker")
                        .process(w::handle);
            }
        });
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "worker";
        }
    }
}
