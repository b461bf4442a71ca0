package io.mopao.engine.cpu;

import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

/**
 * Causal attention of one query head over positions {@code 0..pos}: the arithmetic of every CPU attention, the
 * contiguous cache of {@code Model.forward} ({@link CpuBackend#attention}) and the serving runner's paged KV alike.
 * <pre>
 * s_t = (q . k_t) / sqrt(headDim)          t = 0..pos
 * p_t = exp(s_t - max_u s_u) / sum_u exp(s_u - max_u s_u)
 * out = sum_t p_t v_t
 * </pre>
 * Position {@code t}'s key and value of the head's KV group sit at {@code slot(t) * kvDim + kvOffset}, with
 * {@code slot(t) = t} for a contiguous cache and {@code table[t / blockSize] * blockSize + t % blockSize} for a paged
 * one, so a sequence gets bit-identical results however its KV is laid out. The vector dot products sum their lanes in
 * lane order rather than with {@code reduceLanes}, whose order differs between interpreted and JIT-compiled code: the
 * result does not change when the JIT kicks in. One instance per worker thread (it holds that worker's scratch).
 */
public final class AttentionHead {
    private final boolean vectorized;
    /** the vector lanes of a dot product, summed in order: {@code [lanes]}. */
    private final float[] lanes = new float[FloatVector.SPECIES_PREFERRED.length()];
    /** scores, then probabilities, of positions {@code 0..pos}: {@code [capacity]}. */
    private float[] scores;

    /**
     * @param vectorized Vector API dot products (true) or the scalar reference (false)
     * @param positions  positions to hold scratch for (grown by {@link #reserve})
     */
    public AttentionHead(boolean vectorized, int positions) {
        this.vectorized = vectorized;
        this.scores = new float[Math.max(1, positions)];
    }

    /**
     * Makes room for attention over {@code positions} positions (grows at least twofold, so a sequence that grows one
     * position per step reallocates rarely).
     *
     * @param positions positions the next calls attend over, at most
     */
    public void reserve(int positions) {
        if (scores.length < positions) {
            scores = new float[Math.max(positions, 2 * scores.length)];
        }
    }

    /** @return positions this head can attend over without {@link #reserve} */
    public int capacity() {
        return scores.length;
    }

    /**
     * Writes the head's attention output.
     *
     * @param out       output; written at {@code [outOffset, outOffset + headDim)}
     * @param outOffset where the head's output starts
     * @param q         queries; the head's at {@code [qOffset, qOffset + headDim)}
     * @param qOffset   where the head's query starts
     * @param keys      keys, one slot of {@code kvDim} floats per position
     * @param values    values, laid out as the keys
     * @param kvDim     floats per slot ({@code kvHeads * headDim})
     * @param kvOffset  where the head's KV group starts in a slot
     * @param headDim   floats per head
     * @param pos       the query's position: it attends to positions {@code 0..pos}
     * @param table     the sequence's block table, or null for a contiguous cache (position t in slot t)
     * @param blockSize positions per block of {@code table} (ignored without one)
     */
    public void attend(float[] out, int outOffset, float[] q, int qOffset, float[] keys, float[] values, int kvDim, int kvOffset,
                       int headDim, int pos, int[] table, int blockSize) {
        float[] att = scores;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float max = Float.NEGATIVE_INFINITY;
        for (int t = 0; t <= pos; t++) {
            int ki = slot(table, blockSize, t) * kvDim + kvOffset;
            float s = (vectorized ? dot(q, qOffset, keys, ki, headDim) : dotScalar(q, qOffset, keys, ki, headDim)) * scale;
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
        Arrays.fill(out, outOffset, outOffset + headDim, 0f);
        for (int t = 0; t <= pos; t++) {
            axpy(out, outOffset, values, slot(table, blockSize, t) * kvDim + kvOffset, att[t] * inv, headDim);
        }
    }

    private static int slot(int[] table, int blockSize, int t) {
        return table == null ? t : table[t / blockSize] * blockSize + t % blockSize;
    }

    private static float dotScalar(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    private float dot(float[] a, int ao, float[] b, int bo, int n) {
        var sp = FloatVector.SPECIES_PREFERRED;
        int i = 0;
        float s = 0;
        if (n >= sp.length()) {
            FloatVector acc = FloatVector.zero(sp);
            int bound = sp.loopBound(n);
            for (; i < bound; i += sp.length()) {
                acc = FloatVector.fromArray(sp, a, ao + i).fma(FloatVector.fromArray(sp, b, bo + i), acc);
            }
            acc.intoArray(lanes, 0);
            for (float l : lanes) {
                s += l;
            }
        }
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /** {@code y += a * x}: each product rounded, then added (no fused multiply-add), so the same floats as scalar code. */
    private static void axpy(float[] y, int yo, float[] x, int xo, float a, int n) {
        var sp = FloatVector.SPECIES_PREFERRED;
        int i = 0;
        int bound = sp.loopBound(n);
        if (bound > 0) {
            FloatVector av = FloatVector.broadcast(sp, a);
            for (; i < bound; i += sp.length()) {
                FloatVector.fromArray(sp, y, yo + i).add(FloatVector.fromArray(sp, x, xo + i).mul(av)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }
}
