package io.stellarelease.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stellarelease.pipeline.ReleaseConsole;
import io.stellarelease.state.ReleaseRequest;
import io.stellarelease.state.ReleaseRun;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The release's progress as JSON log events (one object per line) and as text lines. */
class JsonLogTest {
    private final ReleaseRun run = new ReleaseRun("run-1", new ReleaseRequest("suite-2026.04-nova", Path.of("ws"),
            Path.of("out"), false, false), Instant.now());

    @Test
    void progressEventsAreOneJsonObjectPerLineWithTheirFields() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger("stella.release");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            ReleaseConsole console = new ReleaseConsole(System.out, false, true);
            console.stageStarted(run, "build-modules");
            console.stepFinished(run, "build-modules", 6, 9, "Policy", "done", Duration.ofMillis(1500));
            console.stageFinished(run, "build-modules", "failed", Duration.ofSeconds(3), "1 of 9 failed:\nSigner (exit code 3)");
        } finally {
            logger.detachAppender(events);
        }
        JsonLayout layout = new JsonLayout();
        List<String> lines = events.list.stream().map(layout::doLayout).toList();
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).endsWith("\n").doesNotContain("\n\n"));
        assertThat(lines).allSatisfy(l -> assertThat(l.strip()).doesNotContain("\n"));

        ObjectMapper json = new ObjectMapper();
        JsonNode step = json.readTree(lines.get(1));
        assertThat(step.get("event").asText()).isEqualTo("step-finished");
        assertThat(step.get("run").asText()).isEqualTo("run-1");
        assertThat(step.get("tag").asText()).isEqualTo("suite-2026.04-nova");
        assertThat(step.get("done").asInt()).isEqualTo(6);
        assertThat(step.get("planned").asInt()).isEqualTo(9);
        assertThat(step.get("durationMs").asLong()).isEqualTo(1500);
        JsonNode end = json.readTree(lines.get(2));
        assertThat(end.get("status").asText()).isEqualTo("failed");
        assertThat(end.get("reason").asText()).isEqualTo("1 of 9 failed:\nSigner (exit code 3)");
        assertThat(end.get("level").asText()).isEqualTo("INFO");
        assertThat(end.get("time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
    }

    @Test
    void textLinesCarryTheTagWhenRunsInterleave() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ReleaseConsole(new PrintStream(out, true), true, false).stageStarted(run, "validate");
        new ReleaseConsole(new PrintStream(out, true), false, false).stepFinished(run, "build-cli", 2, 5, "win-x64", "done",
                Duration.ofMillis(300));
        assertThat(out.toString()).isEqualTo("suite-2026.04-nova > validate\n  build-cli 2/5 win-x64 done (300 ms)\n");
    }
}
