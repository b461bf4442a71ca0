package io.mopao.engine.tensor;

/**
 * Activations quantised to int8 in blocks of 32 (Q8_0 style): {@code x[i] ~= q[i] * scale[i / 32]}, with
 * {@code q} in [-127, 127] (kept widened to short so kernels load them directly) and the per-block sums of {@code q}
 * (needed by types with an offset, such as Q4_K's mins). Holds {@code capacity} elements; reused, never reallocated
 * in the hot loop.
 */
public final class Q8Vector {
    /** Block size. */
    public static final int BLOCK = 32;

    final short[] q;
    final float[] scale;
    final int[] sum;

    public Q8Vector(int capacity) {
        int blocks = (capacity + BLOCK - 1) / BLOCK;
        this.q = new short[blocks * BLOCK];
        this.scale = new float[blocks];
        this.sum = new int[blocks];
    }

    public int capacity() {
        return q.length;
    }

    /** Quantises {@code x[xOff..xOff+n)} (n a multiple of 32) into elements {@code [off..off+n)} (off a multiple of 32). */
    public void quantize(float[] x, int xOff, int n, int off) {
        for (int b = 0; b < n / BLOCK; b++) {
            int src = xOff + b * BLOCK;
            float amax = 0;
            for (int i = 0; i < BLOCK; i++) {
                amax = Math.max(amax, Math.abs(x[src + i]));
            }
            float d = amax / 127f;
            float id = d == 0 ? 0 : 1f / d;
            int dst = off + b * BLOCK;
            int s = 0;
            for (int i = 0; i < BLOCK; i++) {
                int v = Math.round(x[src + i] * id);
                q[dst + i] = (short) v;
                s += v;
            }
            scale[dst / BLOCK] = d;
            sum[dst / BLOCK] = s;
        }
    }

    /** The dequantised value of element {@code i} (for tests). */
    public float get(int i) {
        return q[i] * scale[i / BLOCK];
    }
}
