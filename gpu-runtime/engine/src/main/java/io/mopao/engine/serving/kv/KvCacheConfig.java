package io.mopao.engine.serving.kv;

/**
 * Shape of the paged KV cache.
 *
 * @param blockSize     token positions per block
 * @param numBlocks     blocks in the pool; the pool never holds more
 * @param prefixCaching whether full blocks are indexed by content hash and reused across requests
 */
public record KvCacheConfig(int blockSize, int numBlocks, boolean prefixCaching) {

    /** The default block size (tokens per block), as vLLM's. */
    public static final int DEFAULT_BLOCK_SIZE = 16;

    public KvCacheConfig {
        if (blockSize < 1 || numBlocks < 1) {
            throw new IllegalArgumentException("blockSize and numBlocks must be >= 1, got " + blockSize + " and " + numBlocks);
        }
    }

    /**
     * A pool holding at least {@code tokens} positions.
     *
     * @param tokens        positions
     * @param blockSize     positions per block
     * @param prefixCaching whether to cache prefixes
     * @return the configuration
     */
    public static KvCacheConfig ofTokens(long tokens, int blockSize, boolean prefixCaching) {
        return new KvCacheConfig(blockSize, Math.toIntExact((tokens + blockSize - 1) / blockSize), prefixCaching);
    }

    /**
     * The largest pool that fits in {@code bytes}, for a model with {@code layers} layers of {@code kvDim}-wide
     * float32 keys and values.
     *
     * @param bytes         the memory budget
     * @param layers        transformer layers
     * @param kvDim         width of keys (and of values) per position
     * @param blockSize     positions per block
     * @param prefixCaching whether to cache prefixes
     * @return the configuration
     * @throws IllegalArgumentException when not even one block fits
     */
    public static KvCacheConfig ofBytes(long bytes, int layers, int kvDim, int blockSize, boolean prefixCaching) {
        long perBlock = bytesPerBlock(layers, kvDim, blockSize);
        if (bytes < perBlock) {
            throw new IllegalArgumentException("a KV budget of " + bytes + " bytes holds no block of " + perBlock + " bytes");
        }
        return new KvCacheConfig(blockSize, Math.toIntExact(bytes / perBlock), prefixCaching);
    }

    /**
     * @param layers    transformer layers
     * @param kvDim     width of keys per position
     * @param blockSize positions per block
     * @return bytes of one block: keys and values, all layers, float32
     */
    public static long bytesPerBlock(int layers, int kvDim, int blockSize) {
        return 2L * layers * blockSize * kvDim * Float.BYTES;
    }

    /** @return positions the pool holds */
    public long tokenCapacity() {
        return (long) blockSize * numBlocks;
    }

    /**
     * @param tokens positions
     * @return blocks needed to hold them
     */
    public int blocksFor(long tokens) {
        return Math.toIntExact((tokens + blockSize - 1) / blockSize);
    }
}
