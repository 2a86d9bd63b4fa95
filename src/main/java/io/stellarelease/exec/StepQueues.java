package io.stellarelease.exec;

import com.rabbitmq.client.Channel;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;

import java.util.Map;

/**
 * The RabbitMQ topology of build steps, declared the same way by the conductor and by every worker (idempotent; the
 * arguments must agree, so both read them from the same properties):
 * <ul>
 *   <li>exchange {@code <queue>} (fanout) -> the quorum queue {@code <queue>}: workers consume it as competing
 *   consumers. A step whose worker dies is returned to the queue (it was never acknowledged) and delivered again; after
 *   {@code maxDeliveries} deliveries the broker dead-letters it ({@code x-delivery-limit}) instead;</li>
 *   <li>dead letters go to the exchange {@code <queue>.dlx} (direct) with the step's routing key, which is its
 *   conductor's reply queue: the conductor learns there that a step killed its workers.</li>
 * </ul>
 */
public record StepQueues(String queue, int maxDeliveries) {

    public StepQueues {
        if (maxDeliveries < 1) {
            throw new IllegalArgumentException("stella.exec.remote.max-deliveries must be at least 1, got " + maxDeliveries);
        }
    }

    public String exchange() {
        return queue;
    }

    public String deadLetterExchange() {
        return queue + ".dlx";
    }

    /** Declares the step queue and its exchanges. */
    public void declare(ConnectionFactory factory) {
        withChannel(factory, channel -> {
            channel.exchangeDeclare(exchange(), "fanout", true);
            channel.exchangeDeclare(deadLetterExchange(), "direct", true);
            channel.queueDeclare(queue, true, false, false, Map.of(
                    "x-queue-type", "quorum",
                    // returned more often than this: dead-lettered. So at most maxDeliveries deliveries.
                    "x-delivery-limit", maxDeliveries - 1,
                    "x-dead-letter-exchange", deadLetterExchange()));
            channel.queueBind(queue, exchange(), "");
        });
    }

    /**
     * Declares a conductor's reply queue and routes its steps' dead letters to it. The broker removes it once it has had
     * no consumer for an hour (a conductor that is gone), not at once: a consumer that reconnects finds it still there.
     */
    public void declareReplies(ConnectionFactory factory, String replyQueue) {
        withChannel(factory, channel -> {
            channel.queueDeclare(replyQueue, false, false, false, Map.of("x-expires", 3_600_000));
            channel.queueBind(replyQueue, deadLetterExchange(), replyQueue);
        });
    }

    /** Steps waiting for a worker (not those being run), or -1 when RabbitMQ cannot be asked. */
    public long depth(ConnectionFactory factory) {
        long[] depth = {-1};
        try {
            withChannel(factory, channel -> depth[0] = channel.queueDeclarePassive(queue).getMessageCount());
        } catch (RuntimeException e) {
            return -1;
        }
        return depth[0];
    }

    /**
     * Why build steps cannot be run now, or null: RabbitMQ unreachable, or no worker consuming the steps queue (a step
     * sent then waits until one starts).
     */
    public String problem(ConnectionFactory factory) {
        int[] counts = new int[2];
        try {
            withChannel(factory, channel -> {
                var ok = channel.queueDeclarePassive(queue);
                counts[0] = ok.getConsumerCount();
                counts[1] = ok.getMessageCount();
            });
        } catch (RuntimeException e) {
            return "build steps queue " + queue + " cannot be reached: " + e.getMessage();
        }
        return counts[0] > 0 ? null : "no build worker consumes queue " + queue + " (" + counts[1] + " steps waiting): "
                + "start one with stella-release worker";
    }

    private interface ChannelWork {
        void run(Channel channel) throws Exception;
    }

    private static void withChannel(ConnectionFactory factory, ChannelWork work) {
        try (Connection connection = factory.createConnection(); Channel channel = connection.createChannel(false)) {
            work.run(channel);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("RabbitMQ: " + e.getMessage(), e);
        }
    }
}
