package io.mopao.engine.serving.scheduler;

/**
 * Limits of one scheduler step.
 *
 * @param maxBatchedTokens the token budget of a step (decode tokens plus prefill chunks); a longer prompt is
 *                         prefilled in chunks over several steps
 * @param maxSeqs          the most sequences running at once
 * @param maxModelLen      the most positions one sequence may reach (prompt plus generated)
 */
public record SchedulerConfig(int maxBatchedTokens, int maxSeqs, int maxModelLen) {

    public SchedulerConfig {
        if (maxBatchedTokens < 1 || maxSeqs < 1 || maxModelLen < 2) {
            throw new IllegalArgumentException("maxBatchedTokens and maxSeqs must be >= 1 and maxModelLen >= 2, got "
                    + maxBatchedTokens + ", " + maxSeqs + ", " + maxModelLen);
        }
    }
}
