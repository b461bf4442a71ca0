package io.mopao.runtime.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.engine.serving.EngineStats;
import io.mopao.runtime.testing.Turns;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The start-up warm-up generates real turns through the model's engine, in batches, and stops at its time limit. */
class WarmupTest {

    @Test
    void generatesTheRequestedTurnsThroughTheEngine() throws Exception {
        try (ModelRegistry models = Turns.registry()) {
            ServedModel model = models.find(Turns.MODEL).orElseThrow();
            Warmup.Report r = Warmup.run(model, 20, 8, Duration.ofSeconds(120));
            assertTrue(r.complete(), r.toString());
            assertEquals(20, r.turns());
            assertTrue(r.tokens() >= 20 && r.tokens() <= 20 * 16, "1 to 16 tokens per turn: " + r);
            // stats() is a snapshot taken after each step, and the last step's completions reach the warm-up before it
            await().atMost(Duration.ofSeconds(10)).until(() -> model.engine().stats().running() == 0);
            EngineStats s = model.engine().stats();
            assertEquals(r.tokens(), s.generatedTokens(), "every token came out of the engine");
            assertTrue(s.cachedPromptTokens() > 0, "the turns share a system prompt, so later ones hit the prefix cache");
            assertEquals(0, s.running());
        }
    }

    @Test
    void stopsAtItsTimeLimitAndCancelsWhatStillRuns() throws Exception {
        try (ModelRegistry models = Turns.registry()) {
            ServedModel model = models.find(Turns.MODEL).orElseThrow();
            Warmup.Report r = Warmup.run(model, 64, 16, Duration.ZERO);
            assertFalse(r.complete(), r.toString());
            assertTrue(r.turns() < 64, r.toString());
            await().atMost(Duration.ofSeconds(60)).until(() -> model.engine().stats().running() == 0
                && model.engine().stats().waiting() == 0);
        }
    }

    @Test
    void rejectsANegativeCount() throws Exception {
        try (ModelRegistry models = Turns.registry()) {
            ServedModel model = models.find(Turns.MODEL).orElseThrow();
            assertThrows(IllegalArgumentException.class, () -> Warmup.run(model, -1, 8, Duration.ofSeconds(1)));
        }
    }
}
