package io.stellarelease.app;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.apache.camel.CamelContext;
import org.apache.camel.component.springrabbit.SpringRabbitMQComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.support.converter.MessageConverter;

/**
 * The RabbitMQ connection used when the dispatch queue or the build steps go to RabbitMQ, and the message converter
 * of the spring-rabbitmq component: it hands every body on as the bytes received. Both are made on first use (lazy
 * beans; the component gets them from {@link #rabbitComponent} when a route first uses it), so with the default
 * directory queue and local steps no RabbitMQ or spring-amqp class is loaded at start (~140 classes).
 */
public class QueueBeans implements CamelConfiguration {

    /** Gives the spring-rabbitmq component our connection and converter when Camel creates it. */
    @BindToRegistry
    public ComponentCustomizer rabbitComponent(CamelContext context) {
        return ComponentCustomizer.forType(SpringRabbitMQComponent.class, component -> {
            component.setConnectionFactory(context.getRegistry().lookupByNameAndType("rabbitConnectionFactory", ConnectionFactory.class));
            component.setMessageConverter(context.getRegistry().lookupByNameAndType("rabbitBytesConverter", MessageConverter.class));
        });
    }

    @BindToRegistry(beanPostProcess = true, lazy = true)
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
    @BindToRegistry(lazy = true)
    public MessageConverter rabbitBytesConverter(CamelContext context) {
        return new org.apache.camel.component.springrabbit.DefaultMessageConverter(context) {
            @Override
            public Object fromMessage(org.springframework.amqp.core.Message message) {
                return message.getBody();
            }
        };
    }
}
