package io.stellarelease.app;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The RabbitMQ connection used when the dispatch queue is pointed at RabbitMQ, or build steps at build workers, and the
 * message converter camel-spring-rabbitmq uses: it hands every body on as the bytes received. Both are made, and the
 * component configured with them, when something first uses RabbitMQ: with the default directory queue a start loads
 * none of it (configured from {@code camel.component.spring-rabbitmq.*} properties, Camel Main made the component, and
 * the connection factory the RabbitMQ client, at every start: ~50 ms of a release's).
 */
public class QueueBeans implements CamelConfiguration {

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
    public org.springframework.amqp.support.converter.MessageConverter rabbitBytesConverter(org.apache.camel.CamelContext context) {
        return new org.apache.camel.component.springrabbit.DefaultMessageConverter(context) {
            @Override
            public Object fromMessage(org.springframework.amqp.core.Message message) {
                return message.getBody();
            }
        };
    }

    /**
     * camel-spring-rabbitmq, as it is made: the connection and converter above unless the properties name others
     * ({@code camel.component.spring-rabbitmq.connection-factory}, {@code .message-converter}).
     */
    @BindToRegistry
    public org.apache.camel.spi.ComponentCustomizer rabbitComponent(org.apache.camel.CamelContext context) {
        return org.apache.camel.spi.ComponentCustomizer.forType(org.apache.camel.component.springrabbit.SpringRabbitMQComponent.class,
                component -> {
                    if (component.getConnectionFactory() == null) {
                        component.setConnectionFactory(context.getRegistry().lookupByNameAndType("rabbitConnectionFactory",
                                org.springframework.amqp.rabbit.connection.ConnectionFactory.class));
                    }
                    if (component.getMessageConverter() == null) {
                        component.setMessageConverter(context.getRegistry().lookupByNameAndType("rabbitBytesConverter",
                                org.springframework.amqp.support.converter.MessageConverter.class));
                    }
                });
    }
}
