package io.mopao.engine.tensor;

import io.mopao.engine.gguf.GgmlType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Converts float rows into the ggml block layouts (used by the GGUF writer and by tests). */
public final class Quantizer {
    private Quantizer() {
    }

    /** Encodes {@code values} (a whole tensor, row-major, rows of {@code cols}) as {@code type}. */
    public static byte[] quantize(GgmlType type, float[] values, int cols) {
        if (cols % type.blockSize() != 0 || values.length % cols != 0) {
            throw new IllegalArgumentException(type + " needs rows of a multiple of " + type.blockSize() + " elements, got " + cols);
        }
        long size = type.byteSize(values.length);
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("tensor too large to quantize in memory: " + size + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> {
                for (float v : values) {
                    out.putFloat(v);
                }
            }
            case F16 -> {
                for (float v : values) {
                    out.putShort(Half.floatToF16(v));
                }
            }
            case BF16 -> {
                for (float v : values) {
                    out.putShort(Half.floatToBf16(v));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < values.length; b += 32) {
                    q80Block(values, b, out);
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < values.length; b += 32) {
                    q40Block(values, b, out);
                }
            }
            case Q4_K -> {
                for (int b = 0; b < values.length; b += 256) {
                    q4kBlock(values, b, out);
                }
            }
            case Q6_K -> {
                for (int b = 0; b < values.length; b += 256) {
                    q6kBlock(values, b, out);
                }
            }
            default -> throw new IllegalArgumentException("cannot quantize to " + type);
        }
        return out.array();
    }

    private static void q80Block(float[] x, int off, ByteBuffer out) {
        float amax = 0;
        for (int i = 0; i < 32; i++) {
            amax = Math.max(amax, Math.abs(x[off + i]));
        }
        short dh = Half.floatToF16(amax / 127f);
        float d = Half.f16ToFloat(dh);
        float id = d == 0 ? 0 : 1f / d;
        out.putShort(dh);
        for (int i = 0; i < 32; i++) {
            out.put((byte) Math.max(-127, Math.min(127, Math.round(x[off + i] * id))));
        }
    }

    private static void q40Block(float[] x, int off, ByteBuffer out) {
        float amax = 0;
        float max = 0;
        for (int i = 0; i < 32; i++) {
            float v = x[off + i];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        short dh = Half.floatToF16(max / -8f);
        float d = Half.f16ToFloat(dh);
        float id = d == 0 ? 0 : 1f / d;
        out.putShort(dh);
        for (int j = 0; j < 16; j++) {
            int q0 = Math.max(0, Math.min(15, (int) (x[off + j] * id + 8.5f)));
            int q1 = Math.max(0, Math.min(15, (int) (x[off + 16 + j] * id + 8.5f)));
            out.put((byte) (q0 | (q1 << 4)));
        }
    }

    private static void q4kBlock(float[] x, int off, ByteBuffer out) {
        float[] scale = new float[8];
        float[] min = new float[8];
        float maxScale = 0;
        float maxMin = 0;
        for (int s = 0; s < 8; s++) {
            float lo = 0;
            float hi = 0;
            for (int i = 0; i < 32; i++) {
                float v = x[off + 32 * s + i];
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            scale[s] = (hi - lo) / 15f;
            min[s] = -lo;
            maxScale = Math.max(maxScale, scale[s]);
            maxMin = Math.max(maxMin, min[s]);
        }
        short dh = Half.floatToF16(maxScale / 63f);
        short mh = Half.floatToF16(maxMin / 63f);
        float d = Half.f16ToFloat(dh);
        float dmin = Half.f16ToFloat(mh);
        int[] sc = new int[8];
        int[] m = new int[8];
        for (int s = 0; s < 8; s++) {
            sc[s] = d == 0 ? 0 : Math.min(63, Math.round(scale[s] / d));
            m[s] = dmin == 0 ? 0 : Math.min(63, Math.round(min[s] / dmin));
        }
        out.putShort(dh);
        out.putShort(mh);
        byte[] packed = new byte[12];
        for (int j = 0; j < 4; j++) {
            packed[j] = (byte) ((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
            packed[j + 4] = (byte) ((m[j] & 63) | ((m[j + 4] >> 4) << 6));
            packed[j + 8] = (byte) ((sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4));
        }
        out.put(packed);
        int[] q = new int[256];
        for (int s = 0; s < 8; s++) {
            float es = d * sc[s];
            float em = dmin * m[s];
            for (int i = 0; i < 32; i++) {
                int e = 32 * s + i;
                q[e] = es == 0 ? 0 : Math.max(0, Math.min(15, Math.round((x[off + e] + em) / es)));
            }
        }
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                out.put((byte) (q[64 * c + l] | (q[64 * c + 32 + l] << 4)));
            }
        }
    }

    private static void q6kBlock(float[] x, int off, ByteBuffer out) {
        float[] scale = new float[16];
        float maxScale = 0;
        for (int s = 0; s < 16; s++) {
            float amax = 0;
            for (int i = 0; i < 16; i++) {
                amax = Math.max(amax, Math.abs(x[off + 16 * s + i]));
            }
            scale[s] = amax / 31f;
            maxScale = Math.max(maxScale, scale[s]);
        }
        short dh = Half.floatToF16(maxScale / 127f);
        float d = Half.f16ToFloat(dh);
        int[] sc = new int[16];
        int[] q = new int[256];
        for (int s = 0; s < 16; s++) {
            sc[s] = d == 0 ? 0 : Math.min(127, Math.round(scale[s] / d));
            float es = d * sc[s];
            for (int i = 0; i < 16; i++) {
                int e = 16 * s + i;
                q[e] = (es == 0 ? 0 : Math.max(-32, Math.min(31, Math.round(x[off + e] / es)))) + 32;
            }
        }
        byte[] ql = new byte[128];
        byte[] qh = new byte[64];
        for (int h = 0; h < 2; h++) {
            for (int l = 0; l < 32; l++) {
                int q1 = q[128 * h + l];
                int q2 = q[128 * h + 32 + l];
                int q3 = q[128 * h + 64 + l];
                int q4 = q[128 * h + 96 + l];
                ql[64 * h + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                ql[64 * h + 32 + l] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                qh[32 * h + l] = (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
        out.put(ql);
        out.put(qh);
        for (int s = 0; s < 16; s++) {
            out.put((byte) sc[s]);
        }
        out.putShort(dh);
    }
}
