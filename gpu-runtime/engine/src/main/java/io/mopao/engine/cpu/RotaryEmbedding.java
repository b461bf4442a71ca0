package io.mopao.engine.cpu;

import io.mopao.engine.model.ModelConfig;

/**
 * Rotary position embedding on the CPU, one row at a time, so that a batch whose rows sit at consecutive positions
 * ({@link CpuBackend#rope}) and one whose rows each have their own position (the serving runner's) run the same
 * arithmetic. For each of the first {@code ropeDim / 2} frequency pairs {@code i} the angle is
 * {@code pos * ropeInvFreq[i]} (in double, then cos and sin rounded to float), and every head's pair is rotated: the
 * interleaved pair {@code (2i, 2i + 1)}, or {@code (i, i + ropeDim / 2)} for NeoX-style models.
 */
public final class RotaryEmbedding {
    private RotaryEmbedding() {
    }

    /**
     * @param x     rows of {@code heads * headDim} floats
     * @param row   the row to rotate
     * @param heads heads per row
     * @param pos   the row's position
     * @param c     the model's configuration (head size, rotated dimensions, frequencies, NeoX or interleaved pairs)
     */
    public static void rotate(float[] x, int row, int heads, int pos, ModelConfig c) {
        int headDim = c.headDim();
        int half = c.ropeDim() / 2;
        float[] inv = c.ropeInvFreq();
        boolean neox = c.ropeNeox();
        for (int i = 0; i < half; i++) {
            double angle = pos * (double) inv[i];
            float cos = (float) Math.cos(angle);
            float sin = (float) Math.sin(angle);
            for (int h = 0; h < heads; h++) {
                int base = (row * heads + h) * headDim;
                int i0 = neox ? base + i : base + 2 * i;
                int i1 = neox ? base + i + half : base + 2 * i + 1;
                float v0 = x[i0];
                float v1 = x[i1];
                x[i0] = v0 * cos - v1 * sin;
                x[i1] = v0 * sin + v1 * cos;
            }
        }
    }
}
