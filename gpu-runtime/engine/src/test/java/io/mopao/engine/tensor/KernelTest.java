package io.mopao.engine.tensor;

import io.mopao.engine.gguf.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every dot-product kernel (scalar and Vector API) against a float64 reference on the same weights. */
class KernelTest {
    private static final int ROWS = 6;
    private static final int COLS = 1024;

    /** Round-trip error bound ||dequant(quant(w)) - w|| / ||w|| for Gaussian weights. */
    static double quantizationBound(GgmlType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1e-3;
            case BF16 -> 5e-3;
            case Q8_0 -> 1e-2;
            case Q6_K -> 3e-2;
            case Q4_K -> 1e-1;
            case Q4_0 -> 1.2e-1;
            default -> throw new IllegalArgumentException();
        };
    }

    static float dot(GgmlType t, boolean vector, MemorySegment w, long off, float[] x, Q8Vector q, int n) {
        return switch (t) {
            case F32 -> vector ? VectorKernels.dotF32(w, off, x, 0, n) : ScalarKernels.dotF32(w, off, x, 0, n);
            case F16 -> vector ? VectorKernels.dotF16(w, off, x, 0, n) : ScalarKernels.dotF16(w, off, x, 0, n);
            case BF16 -> vector ? VectorKernels.dotBF16(w, off, x, 0, n) : ScalarKernels.dotBF16(w, off, x, 0, n);
            case Q8_0 -> vector ? VectorKernels.dotQ80(w, off, q, 0, n) : ScalarKernels.dotQ80(w, off, q, 0, n);
            case Q4_0 -> vector ? VectorKernels.dotQ40(w, off, q, 0, n) : ScalarKernels.dotQ40(w, off, q, 0, n);
            case Q4_K -> vector ? VectorKernels.dotQ4K(w, off, q, 0, n) : ScalarKernels.dotQ4K(w, off, q, 0, n);
            case Q6_K -> vector ? VectorKernels.dotQ6K(w, off, q, 0, n) : ScalarKernels.dotQ6K(w, off, q, 0, n);
            default -> throw new IllegalArgumentException();
        };
    }

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void dotProductsMatchFloat64ReferenceOnTheSameWeights(GgmlType type) {
        Random rnd = new Random(type.ordinal());
        float[] w = gaussian(rnd, ROWS * COLS, 0.05f);
        float[] x = gaussian(rnd, COLS, 1f);
        // an outlier block and a zero block, as real activations have
        x[40] = 30f;
        java.util.Arrays.fill(x, 64, 96, 0f);
        MemorySegment seg = MemorySegment.ofArray(Quantizer.quantize(type, w, COLS));
        float[] wd = new float[ROWS * COLS];
        Dequantizer.dequantize(type, seg, 0, wd, 0, ROWS * COLS);
        assertTrue(relL2(wd, w) <= quantizationBound(type), type + " round-trip error " + relL2(wd, w));

        Q8Vector q = new Q8Vector(COLS);
        q.quantize(x, 0, COLS, 0);
        boolean q8 = Tensor.usesQ8(type);
        long rowBytes = type.byteSize(COLS);
        for (int r = 0; r < ROWS; r++) {
            double ref = 0;
            double exact = 0;
            double abs = 0;
            for (int i = 0; i < COLS; i++) {
                double xi = q8 ? q.get(i) : x[i];
                ref += (double) wd[r * COLS + i] * xi;
                exact += (double) wd[r * COLS + i] * x[i];
                abs += Math.abs((double) wd[r * COLS + i] * xi);
            }
            float scalar = dot(type, false, seg, r * rowBytes, x, q, COLS);
            float vector = dot(type, true, seg, r * rowBytes, x, q, COLS);
            // float32 accumulation over 1024 terms: well under 1e-5 of the sum of |terms|
            assertEquals(ref, scalar, 1e-5 * abs, type + " scalar row " + r);
            assertEquals(ref, vector, 1e-5 * abs, type + " vector row " + r);
            // int8 activations: each value is off by at most half a quantum (max|x_block| / 254)
            assertEquals(exact, vector, q8 ? 1e-2 * abs : 1e-5 * abs, type + " vs float activations row " + r);
        }
    }

    @Test
    void vectorF32HandlesLengthsThatAreNotAMultipleOfTheVector() {
        Random rnd = new Random(3);
        for (int n : new int[] {1, 7, 9, 33, 100}) {
            float[] w = gaussian(rnd, n, 1);
            float[] x = gaussian(rnd, n, 1);
            MemorySegment seg = MemorySegment.ofArray(Quantizer.quantize(GgmlType.F32, w, n));
            double ref = 0;
            for (int i = 0; i < n; i++) {
                ref += (double) w[i] * x[i];
            }
            assertEquals(ref, VectorKernels.dotF32(seg, 0, x, 0, n), 1e-4 * n);
            assertEquals(ref, VectorKernels.dotF16(MemorySegment.ofArray(Quantizer.quantize(GgmlType.F16, w, n)), 0, x, 0, n), 1e-2 * n);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void rowLoopsMatchScalarForOddBlockCountsAndEveryTokenOfABatch(GgmlType type) {
        // the vector kernels unroll two blocks at a time: odd block counts exercise the tail; a batch of three tokens
        // exercises activation offsets other than zero
        Random rnd = new Random(11 + type.ordinal());
        int[] sizes = type.blockSize() == 32 ? new int[] {32, 96, 160, 800} : new int[] {256, 768};
        for (int n : sizes) {
            int rows = 5;
            int batch = 3;
            MemorySegment seg = MemorySegment.ofArray(Quantizer.quantize(type, gaussian(rnd, rows * n, 0.05f), n));
            float[] x = gaussian(rnd, batch * n, 1f);
            Q8Vector q = new Q8Vector(batch * n);
            for (int b = 0; b < batch; b++) {
                q.quantize(x, b * n, n, b * n);
            }
            long rowBytes = type.byteSize(n);
            float[] out = new float[batch * rows];
            switch (type) {
                case Q8_0 -> VectorKernels.rowsQ80(seg, rowBytes, q, n, out, rows, 0, rows, batch);
                case Q4_0 -> VectorKernels.rowsQ40(seg, rowBytes, q, n, out, rows, 0, rows, batch);
                case Q4_K -> VectorKernels.rowsQ4K(seg, rowBytes, q, n, out, rows, 0, rows, batch);
                default -> VectorKernels.rowsQ6K(seg, rowBytes, q, n, out, rows, 0, rows, batch);
            }
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < batch; b++) {
                    float scalar = switch (type) {
                        case Q8_0 -> ScalarKernels.dotQ80(seg, r * rowBytes, q, b * n, n);
                        case Q4_0 -> ScalarKernels.dotQ40(seg, r * rowBytes, q, b * n, n);
                        case Q4_K -> ScalarKernels.dotQ4K(seg, r * rowBytes, q, b * n, n);
                        default -> ScalarKernels.dotQ6K(seg, r * rowBytes, q, b * n, n);
                    };
                    assertEquals(scalar, out[b * rows + r], 1e-4 * Math.max(1, Math.abs(scalar)),
                            type + " n=" + n + " row " + r + " token " + b);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void batchedRowLoopsMatchThePerTokenKernelAtEveryTileBoundary(GgmlType type) {
        // a batch goes through the four-token tile kernels, then the two-token ones, then the per-token kernel
        // (batch 7 = 4 + 2 + 1); rows 3..40 of 43 span several row blocks and start off a block boundary; 96 columns
        // is an odd block count for the 32-element types (the per-token kernels' two-block unroll has a tail)
        Random rnd = new Random(21 + type.ordinal());
        int rows = 43;
        int from = 3;
        int to = 40;
        for (int n : type.blockSize() == 32 ? new int[] {96, 256} : new int[] {256, 768}) {
            MemorySegment seg = MemorySegment.ofArray(Quantizer.quantize(type, gaussian(rnd, rows * n, 0.05f), n));
            long rowBytes = type.byteSize(n);
            for (int batch : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9}) {
                float[] x = gaussian(rnd, batch * n, 1f);
                Q8Vector q = new Q8Vector(batch * n);
                for (int b = 0; b < batch; b++) {
                    q.quantize(x, b * n, n, b * n);
                }
                float[] out = new float[batch * rows];
                java.util.Arrays.fill(out, Float.NaN);
                rows(type, seg, rowBytes, q, n, out, rows, from, to, batch);
                for (int b = 0; b < batch; b++) {
                    for (int r = 0; r < rows; r++) {
                        String where = type + " n=" + n + " batch=" + batch + " row " + r + " token " + b;
                        if (r < from || r >= to) {
                            assertTrue(Float.isNaN(out[b * rows + r]), where + " is outside [from, to) and was written");
                            continue;
                        }
                        long off = r * rowBytes;
                        float perToken = switch (type) {
                            case Q8_0 -> VectorKernels.dotQ80(seg, off, q, b * n, n);
                            case Q4_0 -> VectorKernels.dotQ40(seg, off, q, b * n, n);
                            case Q4_K -> VectorKernels.dotQ4K(seg, off, q, b * n, n);
                            default -> VectorKernels.dotQ6K(seg, off, q, b * n, n);
                        };
                        float scalar = switch (type) {
                            case Q8_0 -> ScalarKernels.dotQ80(seg, off, q, b * n, n);
                            case Q4_0 -> ScalarKernels.dotQ40(seg, off, q, b * n, n);
                            case Q4_K -> ScalarKernels.dotQ4K(seg, off, q, b * n, n);
                            default -> ScalarKernels.dotQ6K(seg, off, q, b * n, n);
                        };
                        // the tile kernels do the per-token kernel's arithmetic in the same order; only the final
                        // reduceLanes may differ in its last bits when one of the two methods runs interpreted and the
                        // other compiled by C2 (their lane orders differ), hence some ulps rather than zero
                        assertEquals(perToken, out[b * rows + r], 16 * Math.ulp(Math.max(1f, Math.abs(perToken))),
                                where + " vs the per-token vector kernel");
                        assertEquals(scalar, out[b * rows + r], 1e-4 * Math.max(1, Math.abs(scalar)), where + " vs scalar");
                    }
                }
            }
        }
    }

    private static void rows(GgmlType type, MemorySegment seg, long rowBytes, Q8Vector q, int n, float[] out, int rows, int from,
            int to, int batch) {
        switch (type) {
            case Q8_0 -> VectorKernels.rowsQ80(seg, rowBytes, q, n, out, rows, from, to, batch);
            case Q4_0 -> VectorKernels.rowsQ40(seg, rowBytes, q, n, out, rows, from, to, batch);
            case Q4_K -> VectorKernels.rowsQ4K(seg, rowBytes, q, n, out, rows, from, to, batch);
            default -> VectorKernels.rowsQ6K(seg, rowBytes, q, n, out, rows, from, to, batch);
        }
    }

    @Test
    void q8ActivationsRoundWithinHalfAQuantum() {
        float[] x = gaussian(new Random(5), 64, 3);
        Q8Vector q = new Q8Vector(64);
        q.quantize(x, 0, 64, 0);
        for (int b = 0; b < 2; b++) {
            float amax = 0;
            int sum = 0;
            for (int i = 0; i < 32; i++) {
                amax = Math.max(amax, Math.abs(x[32 * b + i]));
                sum += q.q[32 * b + i];
                assertTrue(Math.abs(q.q[32 * b + i]) <= 127);
            }
            for (int i = 0; i < 32; i++) {
                assertEquals(x[32 * b + i], q.get(32 * b + i), amax / 254 * 1.0001);
            }
            assertEquals(sum, q.sum[b]);
        }
    }

    // ---- block layouts, with bytes written by hand from the ggml definitions ----

    private static float[] decode(GgmlType t, byte[] block) {
        float[] out = new float[t.blockSize()];
        Dequantizer.dequantize(t, MemorySegment.ofArray(block), 0, out, 0, t.blockSize());
        return out;
    }

    @Test
    void q8_0BlockIsHalfScaleThen32SignedBytes() {
        byte[] b = new byte[34];
        b[0] = 0x00;
        b[1] = 0x38; // f16 0.5
        for (int i = 0; i < 32; i++) {
            b[2 + i] = (byte) (i - 16);
        }
        float[] v = decode(GgmlType.Q8_0, b);
        for (int i = 0; i < 32; i++) {
            assertEquals(0.5f * (i - 16), v[i]);
        }
    }

    @Test
    void q4_0BlockPutsLowNibblesFirstAndHighNibblesSecond() {
        byte[] b = new byte[18];
        b[1] = 0x3C; // f16 1.0
        java.util.Arrays.fill(b, 2, 18, (byte) 0x88);
        b[2] = 0x21;
        float[] v = decode(GgmlType.Q4_0, b);
        assertEquals(-7f, v[0]);
        assertEquals(-6f, v[16]);
        assertEquals(0f, v[1]);
        assertEquals(0f, v[17]);
    }

    @Test
    void q4_kBlockUnpacksSixBitScalesAndMins() {
        byte[] b = new byte[144];
        b[1] = 0x3C; // d = 1
        b[3] = 0x3C; // dmin = 1
        // sub-block 0: scale 2, min 3; sub-block 5: scale 17 (0b01_0001), min 33 (0b10_0001)
        byte[] scales = {2, 0x40, 0, 0, 3, (byte) 0x80, 0, 0, 0, 0x11, 0, 0};
        System.arraycopy(scales, 0, b, 4, 12);
        b[16] = 0x5A; // element 0 (sub-block 0) = 0xA, element 32 (sub-block 1) = 5
        b[16 + 64] = 0x70; // element 128 (sub-block 4) = 0, element 160 (sub-block 5) = 7
        float[] v = decode(GgmlType.Q4_K, b);
        assertEquals(2 * 10 - 3, v[0]);
        assertEquals(-3f, v[1]);
        assertEquals(0f, v[32]);
        assertEquals(17 * 7 - 33, v[160]);
        assertEquals(-33f, v[161]);
        assertEquals(0f, v[128]);
    }

    @Test
    void q6_kBlockCombinesLowNibblesHighBitsAndSignedScales() {
        byte[] b = new byte[210];
        b[209] = 0x3C; // d = 1 (last two bytes)
        b[192] = 3; // scale of elements 0..15
        b[194] = -2; // scale of elements 32..47
        b[0] = 0x21; // ql[0]: element 0 low bits 1, element 64 low bits 2
        b[32] = 0x05; // ql[32]: element 32 low bits 5
        b[128] = 0b1001; // qh[0]: element 0 high bits 1, element 32 high bits 2
        float[] v = decode(GgmlType.Q6_K, b);
        assertEquals(3 * (17 - 32), v[0]);
        assertEquals(3 * -32, v[1]);
        assertEquals(-2 * (37 - 32), v[32]);
        assertEquals(0f, v[64], 0f);
    }

    static float[] gaussian(Random rnd, int n, float std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian() * std;
        }
        return v;
    }

    static double relL2(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - (double) b[i]) * (a[i] - (double) b[i]);
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }
}
