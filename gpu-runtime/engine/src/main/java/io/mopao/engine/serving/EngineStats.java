package io.mopao.engine.serving;

/**
 * Counters of an engine since it started (a snapshot).
 *
 * @param steps              forward passes run
 * @param batchedTokens      tokens computed by them
 * @param promptTokens       prompt tokens of admitted requests
 * @param cachedPromptTokens of those, tokens served from the prefix cache
 * @param generatedTokens    tokens sampled
 * @param preemptions        sequences preempted (KV freed, recomputed later)
 * @param evictions          cached blocks evicted to make room
 * @param running            sequences running now
 * @param waiting            sequences waiting now
 * @param freeBlocks         KV blocks allocatable now (free or evictable)
 * @param totalBlocks        KV blocks in the pool
 */
public record EngineStats(long steps, long batchedTokens, long promptTokens, long cachedPromptTokens, long generatedTokens,
                          long preemptions, long evictions, int running, int waiting, int freeBlocks, int totalBlocks) {

    /** @return the share of prompt tokens served from the prefix cache (0 when none were admitted) */
    public double prefixHitRatio() {
        return promptTokens == 0 ? 0 : (double) cachedPromptTokens / promptTokens;
    }
}
