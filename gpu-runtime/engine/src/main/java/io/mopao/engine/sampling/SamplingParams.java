package io.mopao.engine.sampling;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to pick tokens and when to stop, for one request. Validated on construction; collections are copied and
 * immutable.
 *
 * @param temperature       0 = greedy (argmax, lowest id on ties); otherwise logits are divided by it before sampling
 * @param topK              keep the k most likely tokens; 0 = off
 * @param topP              keep the smallest most-likely set whose probability reaches p, in (0, 1]; 1 = off
 * @param minP              drop tokens less likely than minP times the most likely one, in [0, 1]; 0 = off
 * @param repetitionPenalty divide positive (multiply negative) logits of recently seen tokens by it, &gt; 0; 1 = off
 * @param frequencyPenalty  subtract this times the count of a token in the recent window
 * @param presencePenalty   subtract this once from every token present in the recent window
 * @param penaltyLastN      the recent window for the penalties, in tokens; 0 = no penalties, -1 = the whole history
 * @param logitBias         token id to a value added to its logit ({@code -Infinity} bans it)
 * @param seed              random seed: the same seed, logits and history give the same tokens
 * @param maxTokens         the most tokens to generate, &gt;= 1
 * @param stop              stop strings: generation ends before the first of them appears in the text
 * @param stopTokenIds      token ids that end generation (in addition to the model's end-of-generation tokens)
 * @param ignoreEos         never pick the model's end-of-generation tokens
 */
public record SamplingParams(
        float temperature,
        int topK,
        float topP,
        float minP,
        float repetitionPenalty,
        float frequencyPenalty,
        float presencePenalty,
        int penaltyLastN,
        Map<Integer, Float> logitBias,
        long seed,
        int maxTokens,
        List<String> stop,
        Set<Integer> stopTokenIds,
        boolean ignoreEos) {

    /** The default window for the penalties (llama.cpp's {@code repeat_last_n}). */
    public static final int DEFAULT_PENALTY_LAST_N = 64;
    /** The default generation limit. */
    public static final int DEFAULT_MAX_TOKENS = 256;

    /** Validates and copies. */
    public SamplingParams {
        require(Float.isFinite(temperature) && temperature >= 0, "temperature must be a finite number >= 0, got " + temperature);
        require(topK >= 0, "topK must be >= 0 (0 = off), got " + topK);
        require(topP > 0 && topP <= 1, "topP must be in (0, 1], got " + topP);
        require(minP >= 0 && minP <= 1, "minP must be in [0, 1], got " + minP);
        require(Float.isFinite(repetitionPenalty) && repetitionPenalty > 0,
                "repetitionPenalty must be a finite number > 0 (1 = off), got " + repetitionPenalty);
        require(Float.isFinite(frequencyPenalty), "frequencyPenalty must be finite, got " + frequencyPenalty);
        require(Float.isFinite(presencePenalty), "presencePenalty must be finite, got " + presencePenalty);
        require(penaltyLastN >= -1, "penaltyLastN must be >= -1 (-1 = whole history, 0 = off), got " + penaltyLastN);
        require(maxTokens >= 1, "maxTokens must be >= 1, got " + maxTokens);
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
        for (Map.Entry<Integer, Float> e : logitBias.entrySet()) {
            require(e.getKey() >= 0, "logitBias token id must be >= 0, got " + e.getKey());
            float v = e.getValue();
            require(!Float.isNaN(v) && v != Float.POSITIVE_INFINITY,
                    "logitBias for token " + e.getKey() + " must be a number or -Infinity, got " + v);
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        for (String s : stop) {
            require(!s.isEmpty(), "stop strings must not be empty");
        }
        stopTokenIds = stopTokenIds == null ? Set.of() : Set.copyOf(stopTokenIds);
        for (int id : stopTokenIds) {
            require(id >= 0, "stop token ids must be >= 0, got " + id);
        }
    }

    /**
     * Greedy decoding: temperature 0, no filters, no penalties, no stops.
     *
     * @return the parameters
     */
    public static SamplingParams greedy() {
        return new SamplingParams(0f, 0, 1f, 0f, 1f, 0f, 0f, DEFAULT_PENALTY_LAST_N, Map.of(), 0L, DEFAULT_MAX_TOKENS,
                List.of(), Set.of(), false);
    }

    /**
     * llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no penalties.
     *
     * @param seed the random seed
     * @return the parameters
     */
    public static SamplingParams defaults(long seed) {
        return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1f, 0f, 0f, DEFAULT_PENALTY_LAST_N, Map.of(), seed,
                DEFAULT_MAX_TOKENS, List.of(), Set.of(), false);
    }

    /** @return whether this picks the argmax */
    public boolean isGreedy() {
        return temperature == 0f;
    }

    /**
     * @param value the temperature
     * @return a copy with it
     */
    public SamplingParams withTemperature(float value) {
        return new SamplingParams(value, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty,
                penaltyLastN, logitBias, seed, maxTokens, stop, stopTokenIds, ignoreEos);
    }

    /**
     * @param k top-k (0 = off)
     * @param p top-p (1 = off)
     * @param min min-p (0 = off)
     * @return a copy with these filters
     */
    public SamplingParams withFilters(int k, float p, float min) {
        return new SamplingParams(temperature, k, p, min, repetitionPenalty, frequencyPenalty, presencePenalty,
                penaltyLastN, logitBias, seed, maxTokens, stop, stopTokenIds, ignoreEos);
    }

    /**
     * @param repetition repetition penalty (1 = off)
     * @param frequency frequency penalty
     * @param presence presence penalty
     * @param lastN window (0 = off, -1 = whole history)
     * @return a copy with these penalties
     */
    public SamplingParams withPenalties(float repetition, float frequency, float presence, int lastN) {
        return new SamplingParams(temperature, topK, topP, minP, repetition, frequency, presence,
                lastN, logitBias, seed, maxTokens, stop, stopTokenIds, ignoreEos);
    }

    /**
     * @param bias token id to logit offset
     * @return a copy with it
     */
    public SamplingParams withLogitBias(Map<Integer, Float> bias) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty,
                penaltyLastN, bias, seed, maxTokens, stop, stopTokenIds, ignoreEos);
    }

    /**
     * @param value the seed
     * @return a copy with it
     */
    public SamplingParams withSeed(long value) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty,
                penaltyLastN, logitBias, value, maxTokens, stop, stopTokenIds, ignoreEos);
    }

    /**
     * @param value the generation limit
     * @return a copy with it
     */
    public SamplingParams withMaxTokens(int value) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty,
                penaltyLastN, logitBias, seed, value, stop, stopTokenIds, ignoreEos);
    }

    /**
     * @param strings stop strings
     * @param tokenIds stop token ids
     * @return a copy with them
     */
    public SamplingParams withStops(List<String> strings, Set<Integer> tokenIds) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty,
                penaltyLastN, logitBias, seed, maxTokens, strings, tokenIds, ignoreEos);
    }

    /**
     * @param value whether to ban end-of-generation tokens
     * @return a copy with it
     */
    public SamplingParams withIgnoreEos(boolean value) {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, frequencyPenalty, presencePenalty,
                penaltyLastN, logitBias, seed, maxTokens, stop, stopTokenIds, value);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
