package io.mopao.runtime.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code MOPAO_LOG_JSON=true} (the prod profile's default) turns the console into one JSON object per line. */
@QuarkusTest
@TestProfile(JsonLogFormatTest.JsonLogs.class)
class JsonLogFormatTest {

    /** The switch the deployment sets. */
    public static class JsonLogs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("MOPAO_LOG_JSON", "true");
        }
    }

    @Test
    void consoleLinesAreJsonObjectsWithTheTurnsIdsUnderMdc() throws Exception {
        String line = ConsoleLogFormat.formatTurnLine(ConsoleLogFormat.consoleFormatter());
        assertEquals(1, line.strip().lines().count(), "one line per record: " + line);
        JsonNode json = new ObjectMapper().readTree(line);
        assertEquals("INFO", json.path("level").asText(), line);
        assertEquals("turn t-42: stop after 3 chunks", json.path("message").asText(), line);
        assertEquals("io.mopao.runtime.worker.WorkerPool", json.path("loggerName").asText(), line);
        JsonNode mdc = json.path("mdc");
        assertEquals("t-42", mdc.path("turnId").asText(), line);
        assertEquals("s-7", mdc.path("sessionId").asText(), line);
        assertEquals("a-1", mdc.path("attemptId").asText(), line);
        assertEquals("stories260K", mdc.path("model").asText(), line);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", mdc.path("traceId").asText(), line);
    }
}
