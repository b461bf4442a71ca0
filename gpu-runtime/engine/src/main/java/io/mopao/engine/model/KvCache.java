package io.mopao.engine.model;

/**
 * Keys and values of one sequence, per layer, position-major: {@code keys[layer][pos * kvDim + i]}. Owned by a
 * {@link State}; a serving core can swap this for a paged cache behind the same {@link Backend#attention} call.
 */
public final class KvCache {
    private final float[][] keys;
    private final float[][] values;
    private final int capacity;
    private final int kvDim;

    public KvCache(int layers, int capacity, int kvDim) {
        this.capacity = capacity;
        this.kvDim = kvDim;
        this.keys = new float[layers][Math.multiplyExact(capacity, kvDim)];
        this.values = new float[layers][Math.multiplyExact(capacity, kvDim)];
    }

    /** Positions it can hold. */
    public int capacity() {
        return capacity;
    }

    public int kvDim() {
        return kvDim;
    }

    /** Keys of a layer, {@code [capacity, kvDim]}. */
    public float[] keys(int layer) {
        return keys[layer];
    }

    /** Values of a layer, {@code [capacity, kvDim]}. */
    public float[] values(int layer) {
        return values[layer];
    }
}
