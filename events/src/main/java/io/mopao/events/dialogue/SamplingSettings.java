package io.mopao.events.dialogue;

import java.util.List;
import java.util.Map;

/**
 * Sampler settings of a turn (SillyTavern-style). Null fields mean "the runtime's default".
 *
 * @param temperature 0 = greedy
 * @param topK 0 = off
 * @param topP 1 = off
 * @param minP 0 = off
 * @param repetitionPenalty 1 = off
 * @param frequencyPenalty 0 = off
 * @param presencePenalty 0 = off
 * @param penaltyLastN how many recent tokens the penalties look at
 * @param seed same seed, same text
 * @param maxTokens most tokens to generate
 * @param stop stop strings (never part of the reply)
 * @param logitBias token id to bias
 */
public record SamplingSettings(
    Double temperature,
    Integer topK,
    Double topP,
    Double minP,
    Double repetitionPenalty,
    Double frequencyPenalty,
    Double presencePenalty,
    Integer penaltyLastN,
    Long seed,
    Integer maxTokens,
    List<String> stop,
    Map<Integer, Double> logitBias) {

    public SamplingSettings {
        stop = stop == null ? List.of() : List.copyOf(stop);
        logitBias = logitBias == null ? Map.of() : Map.copyOf(logitBias);
    }

    /** Greedy decoding with a token limit. */
    public static SamplingSettings greedy(int maxTokens) {
        return new SamplingSettings(0.0, null, null, null, null, null, null, null, null, maxTokens, List.of(), Map.of());
    }
}
