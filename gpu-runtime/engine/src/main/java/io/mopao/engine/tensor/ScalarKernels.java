package io.mopao.engine.tensor;

import java.lang.foreign.MemorySegment;

import static io.mopao.engine.tensor.Layouts.F32;
import static io.mopao.engine.tensor.Layouts.I16;
import static io.mopao.engine.tensor.Layouts.I8;

/**
 * Plain-Java reference dot products of one weight row (at byte {@code off} of {@code w}) with activations.
 * Float types take float activations; quantised types take {@link Q8Vector} activations and use integer sums per
 * block, exactly like {@link VectorKernels}.
 */
public final class ScalarKernels {
    private ScalarKernels() {
    }

    public static float dotF32(MemorySegment w, long off, float[] x, int xo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += w.get(F32, off + 4L * i) * x[xo + i];
        }
        return s;
    }

    public static float dotF16(MemorySegment w, long off, float[] x, int xo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += Half.f16ToFloat(w.get(I16, off + 2L * i)) * x[xo + i];
        }
        return s;
    }

    public static float dotBF16(MemorySegment w, long off, float[] x, int xo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += Half.bf16ToFloat(w.get(I16, off + 2L * i)) * x[xo + i];
        }
        return s;
    }

    public static float dotQ80(MemorySegment w, long off, Q8Vector a, int ao, int n) {
        float s = 0;
        for (int b = 0; b < n / 32; b++) {
            long p = off + 34L * b;
            int ai = ao + 32 * b;
            int isum = 0;
            for (int i = 0; i < 32; i++) {
                isum += w.get(I8, p + 2 + i) * a.q[ai + i];
            }
            s += Half.f16ToFloat(w.get(I16, p)) * a.scale[ai / 32] * isum;
        }
        return s;
    }

    public static float dotQ40(MemorySegment w, long off, Q8Vector a, int ao, int n) {
        float s = 0;
        for (int b = 0; b < n / 32; b++) {
            long p = off + 18L * b;
            int ai = ao + 32 * b;
            int isum = 0;
            for (int j = 0; j < 16; j++) {
                int v = w.get(I8, p + 2 + j) & 0xff;
                isum += ((v & 0xF) - 8) * a.q[ai + j] + ((v >> 4) - 8) * a.q[ai + 16 + j];
            }
            s += Half.f16ToFloat(w.get(I16, p)) * a.scale[ai / 32] * isum;
        }
        return s;
    }

    public static float dotQ4K(MemorySegment w, long off, Q8Vector a, int ao, int n) {
        float s = 0;
        for (int b = 0; b < n / 256; b++) {
            long p = off + 144L * b;
            float d = Half.f16ToFloat(w.get(I16, p));
            float dmin = Half.f16ToFloat(w.get(I16, p + 2));
            for (int c = 0; c < 4; c++) {
                int ai = ao + 256 * b + 64 * c;
                int lo = 0;
                int hi = 0;
                for (int l = 0; l < 32; l++) {
                    int v = w.get(I8, p + 16 + 32 * c + l) & 0xff;
                    lo += (v & 0xF) * a.q[ai + l];
                    hi += (v >> 4) * a.q[ai + 32 + l];
                }
                int blo = ai / 32;
                int bhi = blo + 1;
                s += a.scale[blo] * (d * Dequantizer.q4kScale(w, p + 4, 2 * c) * lo
                        - dmin * Dequantizer.q4kMin(w, p + 4, 2 * c) * a.sum[blo]);
                s += a.scale[bhi] * (d * Dequantizer.q4kScale(w, p + 4, 2 * c + 1) * hi
                        - dmin * Dequantizer.q4kMin(w, p + 4, 2 * c + 1) * a.sum[bhi]);
            }
        }
        return s;
    }

    public static float dotQ6K(MemorySegment w, long off, Q8Vector a, int ao, int n) {
        float s = 0;
        for (int b = 0; b < n / 256; b++) {
            long p = off + 210L * b;
            float d = Half.f16ToFloat(w.get(I16, p + 208));
            for (int h = 0; h < 2; h++) {
                int[] isum = new int[4];
                int base = ao + 256 * b + 128 * h;
                for (int l = 0; l < 32; l++) {
                    int qa = w.get(I8, p + 64 * h + l) & 0xff;
                    int qb = w.get(I8, p + 64 * h + 32 + l) & 0xff;
                    int qh = w.get(I8, p + 128 + 32 * h + l) & 0xff;
                    int is = 192 + 8 * h + l / 16;
                    isum[0] += w.get(I8, p + is) * (((qa & 0xF) | ((qh & 3) << 4)) - 32) * a.q[base + l];
                    isum[1] += w.get(I8, p + is + 2) * (((qb & 0xF) | (((qh >> 2) & 3) << 4)) - 32) * a.q[base + 32 + l];
                    isum[2] += w.get(I8, p + is + 4) * (((qa >> 4) | (((qh >> 4) & 3) << 4)) - 32) * a.q[base + 64 + l];
                    isum[3] += w.get(I8, p + is + 6) * (((qb >> 4) | (((qh >> 6) & 3) << 4)) - 32) * a.q[base + 96 + l];
                }
                for (int m = 0; m < 4; m++) {
                    s += d * a.scale[base / 32 + m] * isum[m];
                }
            }
        }
        return s;
    }
}
