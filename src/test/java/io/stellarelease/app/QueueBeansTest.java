package io.stellarelease.app;

import org.apache.camel.CamelContext;
import org.apache.camel.component.springrabbit.SpringRabbitMQComponent;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * camel-spring-rabbitmq is made when something first uses it, not at every start, and then takes the connection to the
 * configured broker and the converter that keeps bodies the bytes received.
 */
class QueueBeansTest {

    @Test
    void theRabbitMqComponentIsMadeOnFirstUseWithTheConfiguredConnectionAndBytesConverter() throws Exception {
        try (CamelApp app = CamelApp.start(CamelApp.Mode.SEND, Path.of("config/application.properties"),
                Path.of("config/release.yaml"), Map.of("stella.rabbitmq.host", "rabbit.example.test", "stella.rabbitmq.port", "5999",
                        "stella.rabbitmq.username", "stella"))) {
            CamelContext context = app.context();
            assertThat(context.hasComponent("spring-rabbitmq")).as("made at start").isNull();

            SpringRabbitMQComponent component = context.getComponent("spring-rabbitmq", SpringRabbitMQComponent.class);
            assertThat(component.getConnectionFactory()).isInstanceOfSatisfying(CachingConnectionFactory.class, f -> {
                assertThat(f.getHost()).isEqualTo("rabbit.example.test");
                assertThat(f.getPort()).isEqualTo(5999);
                assertThat(f.getUsername()).isEqualTo("stella");
            });
            // Not valid UTF-8, though it says so: the default converter would decode it into a String, changed.
            byte[] body = {'{', (byte) 0xff, (byte) 0xfe, '}'};
            MessageProperties properties = new MessageProperties();
            properties.setContentType("text/plain");
            properties.setContentEncoding("UTF-8");
            assertThat(component.getMessageConverter().fromMessage(new Message(body, properties))).isEqualTo(body);
        }
    }
}
