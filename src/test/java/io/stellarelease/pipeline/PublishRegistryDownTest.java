package io.stellarelease.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stellarelease.state.ReleaseRun;
import io.stellarelease.state.Status;
import io.stellarelease.state.StepResult;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A registry that refuses connections (a port nothing listens on): one push finds it down and spends the retries,
 * the stage's other pushes fail at once, and the failure names the host and the reason once.
 */
class PublishRegistryDownTest extends PublishingTestSupport {

    static final int CLOSED = closedPort();

    @Override
    protected void configure(ObjectNode config) {
        super.configure(config);
        ((ObjectNode) config.at("/publish/registry")).put("url", "http://127.0.0.1:" + CLOSED);
    }

    @Test
    void aRegistryThatRefusesConnectionsFailsTheStageOnceNamingHostAndReason() throws Exception {
        ReleaseRun run;
        try (LogCapture retries = LogCapture.of("io.stellarelease.clients.RetryingHttp")) {
            run = release(TAG, true);

            // Connection attempts to the registry, from the retry log (a line per failed attempt, the last one's
            // says it gave up): one probe's 4, plus at most one for each other push whose first attempt raced the
            // probe's; not 4 for every image.
            long attempts = retries.messages().stream().filter(m -> m.matches("(?s).*(attempt \\d+ failed|gave up after).*")).count();
            int pushes = run.stage("push-containers").orElseThrow().getSteps().size();
            assertThat(pushes).isEqualTo(9);
            assertThat(attempts).as("registry connection attempts").isLessThanOrEqualTo(4 + Runtime.getRuntime().availableProcessors() - 1);
        }

        assertThat(run.isSucceeded()).isFalse();
        assertThat(run.stage("push-containers").orElseThrow().getStatus()).isEqualTo(Status.FAILED);
        assertThat(run.stage("push-containers").orElseThrow().getSteps()).extracting(StepResult::status).containsOnly(Status.FAILED);
        String said = "registry 127.0.0.1:" + CLOSED + ": connection refused";
        assertThat(run.getFailure()).contains(said);
        assertThat(Pattern.compile(Pattern.quote(said)).matcher(run.getFailure()).results().count())
                .as("times the failure says the registry refused: " + run.getFailure()).isEqualTo(1);
        assertThat(run.stage("publish-helm")).as("no stage after the failed one").isEmpty();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
