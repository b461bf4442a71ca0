package io.mopao.runtime.prompt;

import io.mopao.engine.sampling.SamplingParams;
import io.mopao.events.dialogue.SamplingSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Turns a turn's sampler settings into the engine's parameters; null fields take llama.cpp's defaults. */
public final class SamplingMapper {
    private static final SamplingParams DEFAULTS = SamplingParams.defaults(0);

    private SamplingMapper() {
    }

    /**
     * @param s the settings, or null for all defaults
     * @return the parameters
     * @throws UnservableRequestException when a value is out of range
     */
    public static SamplingParams toParams(SamplingSettings s) {
        if (s == null) {
            return DEFAULTS.withSeed(ThreadLocalRandom.current().nextLong());
        }
        Map<Integer, Float> bias = new HashMap<>();
        s.logitBias().forEach((k, v) -> bias.put(k, v == null ? 0f : v.floatValue()));
        try {
            return new SamplingParams(
                f(s.temperature(), DEFAULTS.temperature()),
                s.topK() != null ? s.topK() : DEFAULTS.topK(),
                f(s.topP(), DEFAULTS.topP()),
                f(s.minP(), DEFAULTS.minP()),
                f(s.repetitionPenalty(), DEFAULTS.repetitionPenalty()),
                f(s.frequencyPenalty(), DEFAULTS.frequencyPenalty()),
                f(s.presencePenalty(), DEFAULTS.presencePenalty()),
                s.penaltyLastN() != null ? s.penaltyLastN() : DEFAULTS.penaltyLastN(),
                bias,
                s.seed() != null ? s.seed() : ThreadLocalRandom.current().nextLong(),
                s.maxTokens() != null ? s.maxTokens() : SamplingParams.DEFAULT_MAX_TOKENS,
                s.stop() == null ? List.of() : s.stop(),
                Set.of(),
                false);
        } catch (IllegalArgumentException e) {
            throw new UnservableRequestException("invalid_sampling", "sampling", "invalid sampling settings: " + e.getMessage());
        }
    }

    private static float f(Double v, float fallback) {
        return v == null ? fallback : v.floatValue();
    }
}
