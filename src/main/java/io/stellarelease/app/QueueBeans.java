package io.stellarelease.app;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The RabbitMQ connection used when the dispatch queue is pointed at RabbitMQ. It connects on first use,
 * so with the default directory queue it costs nothing.
 */
public class QueueBeans implements CamelConfiguration {

    @BindToRegistry(beanPostProcess = true)
    public CachingConnectionFactory rabbitConnectionFactory(
            @PropertyInject(value = "stella.rabbitmq.host", defaultValue = "127.0.0.1") String host,
            @PropertyInject(value = "stella.rabbitmq.port", defaultValue = "5672") int port,
            @PropertyInject(value = "stella.rabbitmq.username", defaultValue = "guest") String username,
            @PropertyInject(value = "stella.rabbitmq.password", defaultValue = "guest") String password) {
        CachingConnectionFactory factory = new CachingConnectionFactory(host, port);
        factory.setUsername(username);
        factory.setPassword(password);
        return factory;
    }
}
