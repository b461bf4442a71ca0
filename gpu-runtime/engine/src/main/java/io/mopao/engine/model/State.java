package io.mopao.engine.model;

/**
 * Everything that belongs to one sequence: its KV cache and the activation buffers of a forward step (sized for one
 * prefill chunk). Weights are not here, so many states can share one {@link Model}. Not thread-safe.
 */
public final class State {
    final KvCache cache;
    final int chunk;
    /** residual stream: {@code [chunk, dim]}. */
    final float[] x;
    /** normalised input / attention output projection: {@code [chunk, dim]}. */
    final float[] xb;
    /** queries, then attention output: {@code [chunk, qDim]}. */
    final float[] q;
    /** attention output before wo: {@code [chunk, qDim]}. */
    final float[] att;
    /** keys of the chunk: {@code [chunk, kvDim]}. */
    final float[] k;
    /** values of the chunk: {@code [chunk, kvDim]}. */
    final float[] v;
    /** SwiGLU gate: {@code [chunk, ffnDim]}. */
    final float[] hb;
    /** SwiGLU up: {@code [chunk, ffnDim]}. */
    final float[] hb2;
    /** last token's normalised state: {@code [dim]}. */
    final float[] last;
    /** logits of the last processed token: {@code [vocabSize]}. */
    final float[] logits;

    State(ModelConfig c, int capacity, int chunk) {
        this.cache = new KvCache(c.layers(), capacity, c.kvDim());
        this.chunk = chunk;
        this.x = new float[chunk * c.dim()];
        this.xb = new float[chunk * c.dim()];
        this.q = new float[chunk * c.qDim()];
        this.att = new float[chunk * c.qDim()];
        this.k = new float[chunk * c.kvDim()];
        this.v = new float[chunk * c.kvDim()];
        this.hb = new float[chunk * c.ffnDim()];
        this.hb2 = new float[chunk * c.ffnDim()];
        this.last = new float[c.dim()];
        this.logits = new float[c.vocabSize()];
    }

    /** Positions this state can hold. */
    public int capacity() {
        return cache.capacity();
    }

    public KvCache kvCache() {
        return cache;
    }
}
