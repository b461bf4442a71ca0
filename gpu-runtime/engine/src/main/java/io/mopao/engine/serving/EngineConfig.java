package io.mopao.engine.serving;

import io.mopao.engine.serving.kv.KvCacheConfig;

/**
 * How an {@link Engine} batches and caches.
 *
 * @param blockSize        KV positions per block
 * @param kvCacheTokens    KV pool size in positions (used when {@code kvCacheBytes} is 0)
 * @param kvCacheBytes     KV pool size in bytes (keys and values, all layers, float32); 0 to size by tokens
 * @param prefixCaching    reuse cached prefixes across requests
 * @param maxBatchedTokens token budget of one step (decodes plus prefill chunks)
 * @param maxSeqs          sequences running at once
 * @param maxModelLen      positions one sequence may reach; 0 for the model's context length
 * @param adapterId        identity of the adapter on top of the weights (part of every block hash); "" for none
 * @param threads          attention worker threads (the model's matrix operations use the model's backend)
 */
public record EngineConfig(int blockSize, long kvCacheTokens, long kvCacheBytes, boolean prefixCaching, int maxBatchedTokens,
                           int maxSeqs, int maxModelLen, String adapterId, int threads) {

    public EngineConfig {
        if (blockSize < 1 || maxBatchedTokens < 1 || maxSeqs < 1 || maxModelLen < 0 || threads < 1) {
            throw new IllegalArgumentException("blockSize, maxBatchedTokens, maxSeqs, threads must be >= 1 and maxModelLen >= 0");
        }
        if (kvCacheTokens <= 0 && kvCacheBytes <= 0) {
            throw new IllegalArgumentException("size the KV pool: kvCacheTokens or kvCacheBytes must be > 0");
        }
        adapterId = adapterId == null ? "" : adapterId;
    }

    /**
     * Defaults: blocks of 16, a pool of 8192 positions, prefix caching on, 256 tokens and 16 sequences per step, the
     * model's context, no adapter, all processors.
     *
     * @return the configuration
     */
    public static EngineConfig defaults() {
        return new EngineConfig(KvCacheConfig.DEFAULT_BLOCK_SIZE, 8192, 0, true, 256, 16, 0, "",
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param tokens pool size in positions
     * @return a copy sized by tokens
     */
    public EngineConfig withKvCacheTokens(long tokens) {
        return new EngineConfig(blockSize, tokens, 0, prefixCaching, maxBatchedTokens, maxSeqs, maxModelLen, adapterId, threads);
    }

    /**
     * @param bytes pool size in bytes
     * @return a copy sized by bytes
     */
    public EngineConfig withKvCacheBytes(long bytes) {
        return new EngineConfig(blockSize, 0, bytes, prefixCaching, maxBatchedTokens, maxSeqs, maxModelLen, adapterId, threads);
    }

    /**
     * @param size positions per block
     * @return a copy with it
     */
    public EngineConfig withBlockSize(int size) {
        return new EngineConfig(size, kvCacheTokens, kvCacheBytes, prefixCaching, maxBatchedTokens, maxSeqs, maxModelLen, adapterId,
                threads);
    }

    /**
     * @param on whether to cache prefixes
     * @return a copy with it
     */
    public EngineConfig withPrefixCaching(boolean on) {
        return new EngineConfig(blockSize, kvCacheTokens, kvCacheBytes, on, maxBatchedTokens, maxSeqs, maxModelLen, adapterId, threads);
    }

    /**
     * @param tokens step token budget
     * @param seqs   sequences per step
     * @return a copy with them
     */
    public EngineConfig withBatch(int tokens, int seqs) {
        return new EngineConfig(blockSize, kvCacheTokens, kvCacheBytes, prefixCaching, tokens, seqs, maxModelLen, adapterId, threads);
    }

    /**
     * @param len positions per sequence (0 = the model's context)
     * @return a copy with it
     */
    public EngineConfig withMaxModelLen(int len) {
        return new EngineConfig(blockSize, kvCacheTokens, kvCacheBytes, prefixCaching, maxBatchedTokens, maxSeqs, len, adapterId, threads);
    }

    /**
     * @param id adapter identity
     * @return a copy with it
     */
    public EngineConfig withAdapterId(String id) {
        return new EngineConfig(blockSize, kvCacheTokens, kvCacheBytes, prefixCaching, maxBatchedTokens, maxSeqs, maxModelLen, id, threads);
    }

    /**
     * @param n attention threads
     * @return a copy with it
     */
    public EngineConfig withThreads(int n) {
        return new EngineConfig(blockSize, kvCacheTokens, kvCacheBytes, prefixCaching, maxBatchedTokens, maxSeqs, maxModelLen, adapterId,
                n);
    }

    /**
     * @param layers model layers
     * @param kvDim  model key width
     * @return the pool shape this configuration gives for such a model
     */
    public KvCacheConfig kvCacheConfig(int layers, int kvDim) {
        return kvCacheBytes > 0 ? KvCacheConfig.ofBytes(kvCacheBytes, layers, kvDim, blockSize, prefixCaching)
                : KvCacheConfig.ofTokens(kvCacheTokens, blockSize, prefixCaching);
    }
}
