package io.mopao.engine.tensor;

import io.mopao.engine.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

import static io.mopao.engine.tensor.Layouts.F32;
import static io.mopao.engine.tensor.Layouts.I16;
import static io.mopao.engine.tensor.Layouts.I8;

/** Scalar decoding of ggml blocks to float (reference semantics; also used for embedding lookups). */
public final class Dequantizer {
    private Dequantizer() {
    }

    /** Decodes {@code n} elements starting at byte {@code offset} (a block boundary) into {@code out[outOff..]}. */
    public static void dequantize(GgmlType type, MemorySegment seg, long offset, float[] out, int outOff, int n) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    out[outOff + i] = seg.get(F32, offset + 4L * i);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[outOff + i] = Half.f16ToFloat(seg.get(I16, offset + 2L * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[outOff + i] = Half.bf16ToFloat(seg.get(I16, offset + 2L * i));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    long p = offset + 34L * b;
                    float d = Half.f16ToFloat(seg.get(I16, p));
                    for (int i = 0; i < 32; i++) {
                        out[outOff + 32 * b + i] = d * seg.get(I8, p + 2 + i);
                    }
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < n / 32; b++) {
                    long p = offset + 18L * b;
                    float d = Half.f16ToFloat(seg.get(I16, p));
                    for (int j = 0; j < 16; j++) {
                        int v = seg.get(I8, p + 2 + j) & 0xff;
                        out[outOff + 32 * b + j] = d * ((v & 0xF) - 8);
                        out[outOff + 32 * b + 16 + j] = d * ((v >> 4) - 8);
                    }
                }
            }
            case Q4_K -> {
                for (int b = 0; b < n / 256; b++) {
                    q4k(seg, offset + 144L * b, out, outOff + 256 * b);
                }
            }
            case Q6_K -> {
                for (int b = 0; b < n / 256; b++) {
                    q6k(seg, offset + 210L * b, out, outOff + 256 * b);
                }
            }
            default -> throw new IllegalArgumentException("no kernels for " + type);
        }
    }

    /** The 6-bit scale of sub-block {@code j} (0..7) of a Q4_K block whose 12 scale bytes start at {@code p}. */
    static int q4kScale(MemorySegment seg, long p, int j) {
        return q4kByte(q4kScales(seg.get(Layouts.I32, p), seg.get(Layouts.I32, p + 8)), j);
    }

    /** The 6-bit min of sub-block {@code j} (0..7) of a Q4_K block whose 12 scale bytes start at {@code p}. */
    static int q4kMin(MemorySegment seg, long p, int j) {
        return q4kByte(q4kMins(seg.get(Layouts.I32, p + 4), seg.get(Layouts.I32, p + 8)), j);
    }

    /**
     * The eight 6-bit scales of a Q4_K block, one per byte of the result (scale j in byte j), from its 12 packed scale
     * bytes read as three little-endian ints {@code u0, u1, u2}: bytes 0-3 of {@code u0} hold scales 0-3 in their low 6
     * bits and the top 2 bits of scales 4-7 in their top 2 bits; the low nibbles of {@code u2}'s bytes hold the low 4
     * bits of scales 4-7. Branch-free, so that a vector kernel can decode a block's scales once, outside its loop.
     */
    static long q4kScales(int u0, int u2) {
        int low = u0 & 0x3F3F3F3F;
        int high = (u2 & 0x0F0F0F0F) | ((u0 >>> 2) & 0x30303030);
        return (low & 0xFFFFFFFFL) | ((long) high << 32);
    }

    /** The eight 6-bit mins, as {@link #q4kScales} (mins 0-3 in {@code u1}, the low 4 bits of 4-7 in {@code u2}'s high nibbles). */
    static long q4kMins(int u1, int u2) {
        int low = u1 & 0x3F3F3F3F;
        int high = ((u2 >>> 4) & 0x0F0F0F0F) | ((u1 >>> 2) & 0x30303030);
        return (low & 0xFFFFFFFFL) | ((long) high << 32);
    }

    /** Byte {@code j} of {@link #q4kScales} or {@link #q4kMins}. */
    static int q4kByte(long packed, int j) {
        return (int) (packed >>> (8 * j)) & 0xFF;
    }

    private static void q4k(MemorySegment seg, long p, float[] out, int o) {
        float d = Half.f16ToFloat(seg.get(I16, p));
        float dmin = Half.f16ToFloat(seg.get(I16, p + 2));
        for (int c = 0; c < 4; c++) {
            float d1 = d * q4kScale(seg, p + 4, 2 * c);
            float m1 = dmin * q4kMin(seg, p + 4, 2 * c);
            float d2 = d * q4kScale(seg, p + 4, 2 * c + 1);
            float m2 = dmin * q4kMin(seg, p + 4, 2 * c + 1);
            for (int l = 0; l < 32; l++) {
                int v = seg.get(I8, p + 16 + 32 * c + l) & 0xff;
                out[o + 64 * c + l] = d1 * (v & 0xF) - m1;
                out[o + 64 * c + 32 + l] = d2 * (v >> 4) - m2;
            }
        }
    }

    private static void q6k(MemorySegment seg, long p, float[] out, int o) {
        float d = Half.f16ToFloat(seg.get(I16, p + 208));
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int a = seg.get(I8, p + 64 * h + l) & 0xff;
                int b = seg.get(I8, p + 64 * h + 32 + l) & 0xff;
                int hi = seg.get(I8, p + 128 + 32 * h + l) & 0xff;
                int is = 192 + 8 * h + l / 16;
                out[o + 128 * h + l] = d * seg.get(I8, p + is) * (((a & 0xF) | ((hi & 3) << 4)) - 32);
                out[o + 128 * h + 32 + l] = d * seg.get(I8, p + is + 2) * (((b & 0xF) | (((hi >> 2) & 3) << 4)) - 32);
                out[o + 128 * h + 64 + l] = d * seg.get(I8, p + is + 4) * (((a >> 4) | (((hi >> 4) & 3) << 4)) - 32);
                out[o + 128 * h + 96 + l] = d * seg.get(I8, p + is + 6) * (((b >> 4) | (((hi >> 6) & 3) << 4)) - 32);
            }
        }
    }
}
