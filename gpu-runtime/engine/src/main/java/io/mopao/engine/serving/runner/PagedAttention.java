package io.mopao.engine.serving.runner;

import io.mopao.engine.cpu.WorkerPool;
import io.mopao.engine.model.ModelConfig;
import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

/**
 * Causal grouped-query attention over paged KV: each query row attends to its own sequence's positions
 * {@code 0..pos}, found through that sequence's block table. Work is split over (row, head) pairs; each pair's
 * arithmetic is fixed (the CPU backend's contiguous attention, with the vector lanes summed in lane order rather than
 * by {@code reduceLanes}, whose order differs between interpreted and JIT-compiled code), so a sequence gets
 * bit-identical results however its KV is paged, whatever else is in the batch, and whenever the JIT kicks in.
 */
final class PagedAttention {
    private final ModelConfig config;
    private final WorkerPool pool;
    private final boolean vectorized;
    private final float[][] scores;
    private final float[][] lanes;

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
        this.vectorized = vectorized;
        this.scores = new float[pool.threads()][Math.max(1, maxPositions)];
        this.lanes = new float[pool.threads()][FloatVector.SPECIES_PREFERRED.length()];
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
        int bs = blockSize;
        float[] att = scores[worker];
        float[] lane = lanes[worker];
        float scale = (float) (1.0 / Math.sqrt(headDim));
        for (int job = from; job < to; job++) {
            int b = job / c.heads();
            int h = job % c.heads();
            int pos = rowPos[b];
            int[] table = tables[rowSeq[b]];
            int qo = b * qDim + h * headDim;
            int ko = (h / group) * headDim;
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t <= pos; t++) {
                int ki = (table[t / bs] * bs + t % bs) * kvDim + ko;
                float s = (vectorized ? dot(q, qo, keys, ki, headDim, lane) : dotScalar(q, qo, keys, ki, headDim)) * scale;
                att[t] = s;
                max = Math.max(max, s);
            }
            float sum = 0;
            for (int t = 0; t <= pos; t++) {
                float e = (float) Math.exp(att[t] - max);
                att[t] = e;
                sum += e;
            }
            float inv = 1f / sum;
            int oo = b * qDim + h * headDim;
            Arrays.fill(out, oo, oo + headDim, 0f);
            for (int t = 0; t <= pos; t++) {
                int vi = (table[t / bs] * bs + t % bs) * kvDim + ko;
                axpy(out, oo, values, vi, att[t] * inv, headDim);
            }
        }
    }

    private static float dotScalar(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    private static float dot(float[] a, int ao, float[] b, int bo, int n, float[] lane) {
        var sp = FloatVector.SPECIES_PREFERRED;
        int i = 0;
        float s = 0;
        if (n >= sp.length()) {
            FloatVector acc = FloatVector.zero(sp);
            int bound = sp.loopBound(n);
            for (; i < bound; i += sp.length()) {
                acc = FloatVector.fromArray(sp, a, ao + i).fma(FloatVector.fromArray(sp, b, bo + i), acc);
            }
            acc.intoArray(lane, 0);
            for (float l : lane) {
                s += l;
            }
        }
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    private static void axpy(float[] y, int yo, float[] x, int xo, float a, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }
}
