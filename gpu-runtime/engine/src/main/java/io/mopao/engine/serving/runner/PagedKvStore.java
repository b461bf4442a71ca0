package io.mopao.engine.serving.runner;

import io.mopao.engine.serving.kv.KvCacheConfig;

/**
 * The KV pool's memory: per layer, keys and values of every block, laid out {@code [numBlocks, blockSize, kvDim]}
 * (block-major, then position in the block, then kv head and dimension) — the layout a device backend holds in its
 * memory too. Position {@code p} of a sequence with block table {@code t} lives in slot
 * {@code t[p / blockSize] * blockSize + p % blockSize}. Allocated once at the configured size; never grows.
 */
public final class PagedKvStore {
    private final int layers;
    private final int blockSize;
    private final int numBlocks;
    private final int kvDim;
    /** keys per layer: {@code [numBlocks * blockSize * kvDim]}. */
    private final float[][] keys;
    /** values per layer: {@code [numBlocks * blockSize * kvDim]}. */
    private final float[][] values;

    /**
     * @param config pool shape
     * @param layers transformer layers
     * @param kvDim  width of keys per position ({@code kvHeads * headDim})
     */
    public PagedKvStore(KvCacheConfig config, int layers, int kvDim) {
        this.layers = layers;
        this.blockSize = config.blockSize();
        this.numBlocks = config.numBlocks();
        this.kvDim = kvDim;
        long floats = (long) numBlocks * blockSize * kvDim;
        if (floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a KV pool of " + numBlocks + " blocks of " + blockSize + " x " + kvDim
                    + " floats per layer exceeds one Java array; use fewer blocks");
        }
        this.keys = new float[layers][(int) floats];
        this.values = new float[layers][(int) floats];
    }

    public int layers() {
        return layers;
    }

    public int blockSize() {
        return blockSize;
    }

    public int numBlocks() {
        return numBlocks;
    }

    public int kvDim() {
        return kvDim;
    }

    /** @return bytes held: keys and values, all layers */
    public long bytes() {
        return 2L * layers * numBlocks * blockSize * kvDim * Float.BYTES;
    }

    /**
     * @param layer a layer
     * @return its keys, {@code [numBlocks * blockSize, kvDim]}
     */
    public float[] keys(int layer) {
        return keys[layer];
    }

    /**
     * @param layer a layer
     * @return its values, {@code [numBlocks * blockSize, kvDim]}
     */
    public float[] values(int layer) {
        return values[layer];
    }

    /**
     * @param blockTable a sequence's block ids
     * @param pos        a position of the sequence
     * @return the slot that holds it
     */
    public int slot(int[] blockTable, int pos) {
        return StepRows.slot(blockTable, blockSize, pos);
    }

    /**
     * Copies a whole block (copy-on-write), every layer, keys and values.
     *
     * @param src block to read
     * @param dst block to write
     */
    public void copyBlock(int src, int dst) {
        int n = blockSize * kvDim;
        for (int l = 0; l < layers; l++) {
            System.arraycopy(keys[l], src * n, keys[l], dst * n, n);
            System.arraycopy(values[l], src * n, values[l], dst * n, n);
        }
    }
}
