package io.mopao.engine.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static io.mopao.engine.tensor.Layouts.I16;

/**
 * Vector API dot products, same contract as {@link ScalarKernels}. F32 uses the preferred float species; the others
 * use 256-bit shapes (16 bytes of weights widened to 16 shorts, products summed pairwise in short, widened to int),
 * which map to AVX2 and also run on AVX-512 machines. Quantised types never decode weights to float: the
 * int8 activations are multiplied as integers and each block's integer sum is scaled once.
 */
public final class VectorKernels {
    private static final VectorSpecies<Float> FP = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorKernels() {
    }

    public static float dotF32(MemorySegment w, long off, float[] x, int xo, int n) {
        int len = FP.length();
        int i = 0;
        FloatVector a0 = FloatVector.zero(FP);
        FloatVector a1 = FloatVector.zero(FP);
        FloatVector a2 = FloatVector.zero(FP);
        FloatVector a3 = FloatVector.zero(FP);
        int bound4 = n - n % (4 * len);
        for (; i < bound4; i += 4 * len) {
            long p = off + 4L * i;
            a0 = FloatVector.fromMemorySegment(FP, w, p, LE).fma(FloatVector.fromArray(FP, x, xo + i), a0);
            a1 = FloatVector.fromMemorySegment(FP, w, p + 4L * len, LE).fma(FloatVector.fromArray(FP, x, xo + i + len), a1);
            a2 = FloatVector.fromMemorySegment(FP, w, p + 8L * len, LE).fma(FloatVector.fromArray(FP, x, xo + i + 2 * len), a2);
            a3 = FloatVector.fromMemorySegment(FP, w, p + 12L * len, LE).fma(FloatVector.fromArray(FP, x, xo + i + 3 * len), a3);
        }
        int bound = n - n % len;
        for (; i < bound; i += len) {
            a0 = FloatVector.fromMemorySegment(FP, w, off + 4L * i, LE).fma(FloatVector.fromArray(FP, x, xo + i), a0);
        }
        float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += w.get(Layouts.F32, off + 4L * i) * x[xo + i];
        }
        return s;
    }

    public static float dotF16(MemorySegment w, long off, float[] x, int xo, int n) {
        FloatVector acc = FloatVector.zero(F256);
        int i = 0;
        int bound = n - n % 8;
        for (; i < bound; i += 8) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S128, w, off + 2L * i, LE).convertShape(VectorOperators.S2I, I256, 0);
            // half -> float for normal and subnormal values: magnitude bits << 13, times 2^112; then the sign
            FloatVector mag = h.and(0x7fff).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(0x1p112f);
            FloatVector f = mag.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
            acc = f.fma(FloatVector.fromArray(F256, x, xo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += Half.f16ToFloat(w.get(I16, off + 2L * i)) * x[xo + i];
        }
        return s;
    }

    public static float dotBF16(MemorySegment w, long off, float[] x, int xo, int n) {
        FloatVector acc = FloatVector.zero(F256);
        int i = 0;
        int bound = n - n % 8;
        for (; i < bound; i += 8) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S128, w, off + 2L * i, LE).convertShape(VectorOperators.S2I, I256, 0);
            FloatVector f = h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            acc = f.fma(FloatVector.fromArray(F256, x, xo + i), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += Half.bf16ToFloat(w.get(I16, off + 2L * i)) * x[xo + i];
        }
        return s;
    }

    private static ShortVector widen(MemorySegment w, long p) {
        return (ShortVector) ByteVector.fromMemorySegment(B128, w, p, LE).convertShape(VectorOperators.B2S, S256, 0);
    }

    private static FloatVector sumToFloat(ShortVector prod) {
        IntVector s = (IntVector) prod.convertShape(VectorOperators.S2I, I256, 0);
        s = s.add((IntVector) prod.convertShape(VectorOperators.S2I, I256, 1));
        return (FloatVector) s.convert(VectorOperators.I2F, 0);
    }

    public static float dotQ80(MemorySegment w, long off, Q8Vector a, int ao, int n) {
        short[] aq = a.q;
        float[] as = a.scale;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < n / 32; b++) {
            long p = off + 34L * b;
            int ai = ao + 32 * b;
            // |w| <= 128 and |a| <= 127: a pair of products fits in a short
            ShortVector prod = widen(w, p + 2).mul(ShortVector.fromArray(S256, aq, ai))
                    .add(widen(w, p + 18).mul(ShortVector.fromArray(S256, aq, ai + 16)));
            float scale = Float.float16ToFloat(w.get(I16, p)) * as[ai >> 5];
            acc = sumToFloat(prod).fma(FloatVector.broadcast(F256, scale), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    public static float dotQ40(MemorySegment w, long off, Q8Vector a, int ao, int n) {
        short[] aq = a.q;
        float[] as = a.scale;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < n / 32; b++) {
            long p = off + 18L * b;
            int ai = ao + 32 * b;
            ShortVector raw = widen(w, p + 2);
            ShortVector lo = raw.and((short) 0xF).sub((short) 8);
            ShortVector hi = raw.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).sub((short) 8);
            ShortVector prod = lo.mul(ShortVector.fromArray(S256, aq, ai)).add(hi.mul(ShortVector.fromArray(S256, aq, ai + 16)));
            float scale = Float.float16ToFloat(w.get(I16, p)) * as[ai >> 5];
            acc = sumToFloat(prod).fma(FloatVector.broadcast(F256, scale), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    public static float dotQ4K(MemorySegment w, long off, Q8Vector a, int ao, int n) {
        short[] aq = a.q;
        float[] as = a.scale;
        int[] asum = a.sum;
        FloatVector acc = FloatVector.zero(F256);
        float mins = 0;
        for (int b = 0; b < n / 256; b++) {
            long p = off + 144L * b;
            float d = Float.float16ToFloat(w.get(I16, p));
            float dmin = Float.float16ToFloat(w.get(I16, p + 2));
            for (int c = 0; c < 4; c++) {
                int ai = ao + 256 * b + 64 * c;
                ShortVector q0 = widen(w, p + 16 + 32 * c);
                ShortVector q1 = widen(w, p + 32 + 32 * c);
                ShortVector lo = q0.and((short) 0xF).mul(ShortVector.fromArray(S256, aq, ai))
                        .add(q1.and((short) 0xF).mul(ShortVector.fromArray(S256, aq, ai + 16)));
                ShortVector hi = q0.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).mul(ShortVector.fromArray(S256, aq, ai + 32))
                        .add(q1.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).mul(ShortVector.fromArray(S256, aq, ai + 48)));
                int blo = ai >> 5;
                acc = sumToFloat(lo).fma(FloatVector.broadcast(F256, d * Dequantizer.q4kScale(w, p + 4, 2 * c) * as[blo]), acc);
                acc = sumToFloat(hi).fma(FloatVector.broadcast(F256, d * Dequantizer.q4kScale(w, p + 4, 2 * c + 1) * as[blo + 1]), acc);
                mins += dmin * (Dequantizer.q4kMin(w, p + 4, 2 * c) * as[blo] * asum[blo]
                        + Dequantizer.q4kMin(w, p + 4, 2 * c + 1) * as[blo + 1] * asum[blo + 1]);
            }
        }
        return acc.reduceLanes(VectorOperators.ADD) - mins;
    }

    public static float dotQ6K(MemorySegment w, long off, Q8Vector a, int ao, int n) {
        short[] aq = a.q;
        float[] as = a.scale;
        FloatVector acc = FloatVector.zero(F256);
        for (int b = 0; b < n / 256; b++) {
            long p = off + 210L * b;
            float d = Float.float16ToFloat(w.get(I16, p + 208));
            for (int h = 0; h < 2; h++) {
                int base = ao + 256 * b + 128 * h;
                IntVector s0 = IntVector.zero(I256);
                IntVector s1 = IntVector.zero(I256);
                IntVector s2 = IntVector.zero(I256);
                IntVector s3 = IntVector.zero(I256);
                for (int lg = 0; lg < 32; lg += 16) {
                    ShortVector qa = widen(w, p + 64 * h + lg);
                    ShortVector qb = widen(w, p + 64 * h + 32 + lg);
                    ShortVector qh = widen(w, p + 128 + 32 * h + lg);
                    long is = p + 192 + 8 * h + lg / 16;
                    ShortVector v1 = qa.and((short) 0xF).or(qh.and((short) 3).lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
                    ShortVector v2 = qb.and((short) 0xF).or(qh.and((short) 0xC).lanewise(VectorOperators.LSHL, 2)).sub((short) 32);
                    ShortVector v3 = qa.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).or(qh.and((short) 0x30)).sub((short) 32);
                    ShortVector v4 = qb.lanewise(VectorOperators.ASHR, 4).and((short) 0xF)
                            .or(qh.lanewise(VectorOperators.ASHR, 2).and((short) 0x30)).sub((short) 32);
                    s0 = scaled(v1.mul(ShortVector.fromArray(S256, aq, base + lg)), w.get(Layouts.I8, is), s0);
                    s1 = scaled(v2.mul(ShortVector.fromArray(S256, aq, base + 32 + lg)), w.get(Layouts.I8, is + 2), s1);
                    s2 = scaled(v3.mul(ShortVector.fromArray(S256, aq, base + 64 + lg)), w.get(Layouts.I8, is + 4), s2);
                    s3 = scaled(v4.mul(ShortVector.fromArray(S256, aq, base + 96 + lg)), w.get(Layouts.I8, is + 6), s3);
                }
                int blk = base >> 5;
                acc = ((FloatVector) s0.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, d * as[blk]), acc);
                acc = ((FloatVector) s1.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, d * as[blk + 1]), acc);
                acc = ((FloatVector) s2.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, d * as[blk + 2]), acc);
                acc = ((FloatVector) s3.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, d * as[blk + 3]), acc);
            }
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** {@code acc + widen(prod) * scale}, prod holding 16 products of |value| <= 32*127. */
    private static IntVector scaled(ShortVector prod, byte scale, IntVector acc) {
        IntVector s = ((IntVector) prod.convertShape(VectorOperators.S2I, I256, 0))
                .add((IntVector) prod.convertShape(VectorOperators.S2I, I256, 1));
        return s.mul(scale).add(acc);
    }
}
