package io.stellarelease.service;

import org.apache.camel.CamelContext;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The configured dispatch queue as the service's health check and metrics see it: the directory queue
 * (files waiting to be read) or RabbitMQ (its queue's message count).
 */
public class DispatchQueue {
    private final CamelContext context;

    public DispatchQueue(CamelContext context) {
        this.context = context;
    }

    public boolean isRabbitMq() {
        return context.resolvePropertyPlaceholders("{{stella.dispatch.uri}}").startsWith("spring-rabbitmq:");
    }

    public String transport() {
        return isRabbitMq() ? "rabbitmq" : "directory";
    }

    /** Null when the queue is usable: the directory is writable, or RabbitMQ answers; else why not. */
    public String problem() {
        if (isRabbitMq()) {
            try (var connection = rabbit().createConnection()) {
                return connection.isOpen() ? null : "RabbitMQ connection is not open";
            } catch (RuntimeException e) {
                return "RabbitMQ is not reachable: " + e.getMessage();
            }
        }
        Path dir = directory();
        return Files.isDirectory(dir) && Files.isWritable(dir) ? null : "dispatch directory " + dir + " is missing or not writable";
    }

    /** Messages waiting to be taken, or NaN when the queue cannot be asked (Prometheus shows the gap). */
    public double depth() {
        if (isRabbitMq()) {
            String queue = context.resolvePropertyPlaceholders("{{stella.rabbitmq.queue}}");
            try (var connection = rabbit().createConnection(); var channel = connection.createChannel(false)) {
                return channel.queueDeclarePassive(queue).getMessageCount();
            } catch (Exception e) {
                return Double.NaN;
            }
        }
        Path dir = directory();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        // What the file consumer will read: complete (not dot-named) .json/.yaml/.yml files at the top level.
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && n.matches(".*\\.(json|ya?ml)")).count();
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    private Path directory() {
        return Path.of(context.resolvePropertyPlaceholders("{{stella.dispatch.dir}}"));
    }

    private ConnectionFactory rabbit() {
        return context.getRegistry().lookupByNameAndType("rabbitConnectionFactory", ConnectionFactory.class);
    }
}
