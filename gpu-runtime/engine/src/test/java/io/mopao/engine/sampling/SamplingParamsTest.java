package io.mopao.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Validation of sampling parameters. */
class SamplingParamsTest {

    @Test
    void greedyHasNoRandomnessAndNoFilters() {
        SamplingParams p = SamplingParams.greedy();
        assertTrue(p.isGreedy());
        assertEquals(0, p.topK());
        assertEquals(1f, p.topP());
        assertEquals(0f, p.minP());
        assertEquals(1f, p.repetitionPenalty());
    }

    @Test
    void rejectsOutOfRangeValuesWithTheirName() {
        SamplingParams p = SamplingParams.greedy();
        assertMessage("temperature", () -> p.withTemperature(-0.1f));
        assertMessage("temperature", () -> p.withTemperature(Float.NaN));
        assertMessage("topK", () -> p.withFilters(-1, 1f, 0f));
        assertMessage("topP", () -> p.withFilters(0, 0f, 0f));
        assertMessage("topP", () -> p.withFilters(0, 1.1f, 0f));
        assertMessage("minP", () -> p.withFilters(0, 1f, 1.5f));
        assertMessage("repetitionPenalty", () -> p.withPenalties(0f, 0f, 0f, 64));
        assertMessage("penaltyLastN", () -> p.withPenalties(1f, 0f, 0f, -2));
        assertMessage("maxTokens", () -> p.withMaxTokens(0));
        assertMessage("stop", () -> p.withStops(List.of(""), Set.of()));
        assertMessage("logitBias", () -> p.withLogitBias(Map.of(1, Float.NaN)));
        assertMessage("logitBias", () -> p.withLogitBias(Map.of(-1, 1f)));
    }

    @Test
    void copiesCollectionsDefensively() {
        List<String> stops = new ArrayList<>(List.of("\nUser:"));
        SamplingParams p = SamplingParams.greedy().withStops(stops, Set.of(7));
        stops.add("more");
        assertEquals(List.of("\nUser:"), p.stop());
        assertThrows(UnsupportedOperationException.class, () -> p.stop().add("x"));
    }

    @Test
    void rejectsLogitBiasOutsideTheVocabularyWhenSampling() {
        SamplingParams p = SamplingParams.greedy().withLogitBias(Map.of(10, 1f));
        assertMessage("logitBias", () -> new Sampler(p, 5));
    }

    private static void assertMessage(String fragment, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
