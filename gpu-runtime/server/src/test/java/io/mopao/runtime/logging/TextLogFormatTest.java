package io.mopao.runtime.logging;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Outside the prod profile (and without MOPAO_LOG_JSON=true) the console shows readable text with the turn's ids. */
@QuarkusTest
class TextLogFormatTest {

    @Test
    void consoleLinesAreTextWithTheTurnsIds() {
        String line = ConsoleLogFormat.formatTurnLine(ConsoleLogFormat.consoleFormatter());
        assertFalse(line.startsWith("{"), line);
        assertTrue(line.contains("turn=t-42 session=s-7 attempt=a-1 model=stories260K trace=4bf92f3577b34da6a3ce929d0e0e4736"), line);
        assertTrue(line.contains("turn t-42: stop after 3 chunks"), line);
    }
}
