package io.stellarelease.app;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The RabbitMQ connection used when the dispatch queue is pointed at RabbitMQ. It connects on first use,
 * so with the default directory queue it costs nothing. And the message converter the component uses
 * ({@code camel.component.spring-rabbitmq.message-converter}): it hands every body on as the bytes received.
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

    /**
     * Camel's converter, except that a received body stays the bytes sent whatever its content type: the default
     * decodes {@code text/*} into a String, and a body that is not valid in its charset would then reach the
     * parser, and a dead letter, changed.
     */
    @BindToRegistry
    public org.springframework.amqp.support.converter.MessageConverter rabbitBytesConverter(org.apache.camel.CamelContext context) {
        return new org.apache.camel.component.springrabbit.DefaultMessageConverter(context) {
            @Override
            public Object fromMessage(org.springframework.amqp.core.Message message) {
                return message.getBody();
            }
        };
    }
}
