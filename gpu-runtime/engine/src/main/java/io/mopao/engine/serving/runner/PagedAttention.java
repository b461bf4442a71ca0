package io.mopao.engine.serving.runner;

import io.mopao.engine.cpu.AttentionHead;
import io.mopao.engine.cpu.WorkerPool;
import io.mopao.engine.model.ModelConfig;

/**
 * Causal grouped-query attention over paged KV: each query row attends to its own sequence's positions
 * {@code 0..pos}, found through that sequence's block table. Work is split over (row, head) pairs; each pair is an
 * {@link AttentionHead}, the arithmetic of the CPU backend's contiguous attention too (vector lanes summed in lane
 * order), so a sequence gets bit-identical results however its KV is paged, whatever else is in the batch, and
 * whenever the JIT kicks in.
 */
final class PagedAttention {
    private final ModelConfig config;
    private final WorkerPool pool;
    /** per worker thread: its attention scratch. */
    private final AttentionHead[] heads;

    // the current call, as fields so that dispatching it allocates nothing
    private float[] out;
    private float[] q;
    private float[] keys;
    private float[] values;
    private int[] rowPos;
    private int[] rowSeq;
    private int[][] tables;
    private int blockSize;
    private final WorkerPool.Range body = this::range;

    PagedAttention(ModelConfig config, WorkerPool pool, boolean vectorized, int maxPositions) {
        this.config = config;
        this.pool = pool;
        this.heads = new AttentionHead[pool.threads()];
        for (int i = 0; i < heads.length; i++) {
            heads[i] = new AttentionHead(vectorized, maxPositions);
        }
    }

    /**
     * @param out       {@code [rows, qDim]} output
     * @param q         {@code [rows, qDim]} queries
     * @param store     the KV pool
     * @param layer     the layer
     * @param rows      query rows
     * @param rowPos    per row, its position in its sequence
     * @param rowSeq    per row, the index of its sequence in {@code tables}
     * @param tables    per sequence, its block table
     */
    void run(float[] out, float[] q, PagedKvStore store, int layer, int rows, int[] rowPos, int[] rowSeq, int[][] tables) {
        this.out = out;
        this.q = q;
        this.keys = store.keys(layer);
        this.values = store.values(layer);
        this.rowPos = rowPos;
        this.rowSeq = rowSeq;
        this.tables = tables;
        this.blockSize = store.blockSize();
        try {
            pool.parallelFor(rows * config.heads(), 1, body);
        } finally {
            this.out = null;
            this.q = null;
            this.keys = null;
            this.values = null;
            this.tables = null;
        }
    }

    private void range(int from, int to, int worker) {
        ModelConfig c = config;
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        int qDim = c.qDim();
        int group = c.heads() / c.kvHeads();
        AttentionHead head = heads[worker];
        for (int job = from; job < to; job++) {
            int b = job / c.heads();
            int h = job % c.heads();
            int qo = b * qDim + h * headDim;
            head.attend(out, qo, q, qo, keys, values, kvDim, (h / group) * headDim, headDim, rowPos[b], tables[rowSeq[b]], blockSize);
        }
    }
}
