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

    // Row loops, one method per type: each is its own small compilation unit, so the JIT inlines the whole kernel
    // (a Vector API call that is not inlined boxes its vectors and runs an order of magnitude slower). Rows outer,
    // tokens inner: a weight row is read from memory once per batch and reused from cache for every token.

    /** {@code out[b * rows + r] = dot(row r, x[b])} for r in [from, to) and b in [0, batch), F32 weights. */
    public static void rowsF32(MemorySegment w, long rowBytes, float[] x, int n, float[] out, int rows, int from, int to, int batch) {
        for (int r = from; r < to; r++) {
            for (int b = 0; b < batch; b++) {
                out[b * rows + r] = dotF32(w, r * rowBytes, x, b * n, n);
            }
        }
    }

    public static void rowsF16(MemorySegment w, long rowBytes, float[] x, int n, float[] out, int rows, int from, int to, int batch) {
        for (int r = from; r < to; r++) {
            for (int b = 0; b < batch; b++) {
                out[b * rows + r] = dotF16(w, r * rowBytes, x, b * n, n);
            }
        }
    }

    public static void rowsBF16(MemorySegment w, long rowBytes, float[] x, int n, float[] out, int rows, int from, int to, int batch) {
        for (int r = from; r < to; r++) {
            for (int b = 0; b < batch; b++) {
                out[b * rows + r] = dotBF16(w, r * rowBytes, x, b * n, n);
            }
        }
    }

    /**
     * Rows per cache block of the batched row loops: the tiles of four tokens sweep this many rows (a few KB of weights,
     * kept in L1/L2) before moving to the next four tokens, whose activations stay in L1 over the sweep.
     */
    private static final int ROW_BLOCK = 16;

    // Batched row loops (prefill, and decode steps of several sequences): tokens in tiles of four, then a pair, then
    // one; a tile kernel decodes each weight block once and multiplies it with the tile's tokens, instead of the
    // per-token kernel's decode per token. Batch 1 (generation) runs the per-token kernel row by row, as before. Rows
    // are swept in blocks of ROW_BLOCK so that a tile's activations and the block's weights stay in cache over a sweep.

    public static void rowsQ80(MemorySegment w, long rowBytes, Q8Vector a, int n, float[] out, int rows, int from, int to, int batch) {
        if (batch == 1) {
            for (int r = from; r < to; r++) {
                out[r] = dotQ80(w, r * rowBytes, a, 0, n);
            }
            return;
        }
        int tiled = batch & ~3;
        int paired = batch & ~1;
        for (int r0 = from; r0 < to; r0 += ROW_BLOCK) {
            int r1 = Math.min(to, r0 + ROW_BLOCK);
            for (int t = 0; t < tiled; t += 4) {
                for (int r = r0; r < r1; r++) {
                    tileQ80(w, r * rowBytes, a, t * n, n, out, t * rows + r, rows);
                }
            }
            if (paired > tiled) {
                for (int r = r0; r < r1; r++) {
                    pairQ80(w, r * rowBytes, a, tiled * n, n, out, tiled * rows + r, rows);
                }
            }
            for (int t = paired; t < batch; t++) {
                for (int r = r0; r < r1; r++) {
                    out[t * rows + r] = dotQ80(w, r * rowBytes, a, t * n, n);
                }
            }
        }
    }

    public static void rowsQ40(MemorySegment w, long rowBytes, Q8Vector a, int n, float[] out, int rows, int from, int to, int batch) {
        if (batch == 1) {
            for (int r = from; r < to; r++) {
                out[r] = dotQ40(w, r * rowBytes, a, 0, n);
            }
            return;
        }
        int tiled = batch & ~3;
        int paired = batch & ~1;
        for (int r0 = from; r0 < to; r0 += ROW_BLOCK) {
            int r1 = Math.min(to, r0 + ROW_BLOCK);
            for (int t = 0; t < tiled; t += 4) {
                for (int r = r0; r < r1; r++) {
                    tileQ40(w, r * rowBytes, a, t * n, n, out, t * rows + r, rows);
                }
            }
            if (paired > tiled) {
                for (int r = r0; r < r1; r++) {
                    pairQ40(w, r * rowBytes, a, tiled * n, n, out, tiled * rows + r, rows);
                }
            }
            for (int t = paired; t < batch; t++) {
                for (int r = r0; r < r1; r++) {
                    out[t * rows + r] = dotQ40(w, r * rowBytes, a, t * n, n);
                }
            }
        }
    }

    public static void rowsQ4K(MemorySegment w, long rowBytes, Q8Vector a, int n, float[] out, int rows, int from, int to, int batch) {
        if (batch == 1) {
            for (int r = from; r < to; r++) {
                out[r] = dotQ4K(w, r * rowBytes, a, 0, n);
            }
            return;
        }
        int tiled = batch & ~3;
        int paired = batch & ~1;
        for (int r0 = from; r0 < to; r0 += ROW_BLOCK) {
            int r1 = Math.min(to, r0 + ROW_BLOCK);
            for (int t = 0; t < tiled; t += 4) {
                for (int r = r0; r < r1; r++) {
                    tileQ4K(w, r * rowBytes, a, t * n, n, out, t * rows + r, rows);
                }
            }
            if (paired > tiled) {
                for (int r = r0; r < r1; r++) {
                    pairQ4K(w, r * rowBytes, a, tiled * n, n, out, tiled * rows + r, rows);
                }
            }
            for (int t = paired; t < batch; t++) {
                for (int r = r0; r < r1; r++) {
                    out[t * rows + r] = dotQ4K(w, r * rowBytes, a, t * n, n);
                }
            }
        }
    }

    public static void rowsQ6K(MemorySegment w, long rowBytes, Q8Vector a, int n, float[] out, int rows, int from, int to, int batch) {
        if (batch == 1) {
            for (int r = from; r < to; r++) {
                out[r] = dotQ6K(w, r * rowBytes, a, 0, n);
            }
            return;
        }
        int tiled = batch & ~3;
        int paired = batch & ~1;
        for (int r0 = from; r0 < to; r0 += ROW_BLOCK) {
            int r1 = Math.min(to, r0 + ROW_BLOCK);
            for (int t = 0; t < tiled; t += 4) {
                for (int r = r0; r < r1; r++) {
                    tileQ6K(w, r * rowBytes, a, t * n, n, out, t * rows + r, rows);
                }
            }
            if (paired > tiled) {
                for (int r = r0; r < r1; r++) {
                    pairQ6K(w, r * rowBytes, a, tiled * n, n, out, tiled * rows + r, rows);
                }
            }
            for (int t = paired; t < batch; t++) {
                for (int r = r0; r < r1; r++) {
                    out[t * rows + r] = dotQ6K(w, r * rowBytes, a, t * n, n);
                }
            }
        }
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

    // The quantised kernels below are written out by hand rather than through helpers returning vectors: a helper
    // that the JIT compiles on its own first is later not inlined (its code is too big), and a vector crossing a call
    // boundary is boxed, which made these kernels several times slower. The 16 short products of a multiply are summed
    // pairwise into 8 ints by reinterpreting them as ints (an arithmetic shift gives the high short, a shift pair the
    // low one), which is cheaper than widening both halves. Two accumulators keep two dependency chains in flight.

    /** Q8_0 blocks: 2-byte F16 scale, 32 int8 weights ({@code |w| <= 128, |a| <= 127}: a pair of products fits in a short). */
    public static float dotQ80(MemorySegment w, long off, Q8Vector a, int ao, int n) {
        short[] aq = a.q;
        float[] as = a.scale;
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        int blocks = n / 32;
        int a0 = ao >> 5;
        for (int b = 0; b < blocks; b += 2) {
            long p = off + 34L * b;
            int ai = ao + 32 * b;
            IntVector i0 = widen(w, p + 2).mul(ShortVector.fromArray(S256, aq, ai))
                    .add(widen(w, p + 18).mul(ShortVector.fromArray(S256, aq, ai + 16))).reinterpretAsInts();
            FloatVector s0 = (FloatVector) i0.lanewise(VectorOperators.ASHR, 16)
                    .add(i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc0 = s0.fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(I16, p)) * as[a0 + b]), acc0);
            if (b + 1 < blocks) {
                IntVector i1 = widen(w, p + 36).mul(ShortVector.fromArray(S256, aq, ai + 32))
                        .add(widen(w, p + 52).mul(ShortVector.fromArray(S256, aq, ai + 48))).reinterpretAsInts();
                FloatVector s1 = (FloatVector) i1.lanewise(VectorOperators.ASHR, 16)
                        .add(i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
                acc1 = s1.fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(I16, p + 34)) * as[a0 + b + 1]), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Q4_0 blocks: 2-byte F16 scale, 16 bytes; low nibbles are elements 0-15, high nibbles 16-31, both offset by 8. */
    public static float dotQ40(MemorySegment w, long off, Q8Vector a, int ao, int n) {
        short[] aq = a.q;
        float[] as = a.scale;
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        int blocks = n / 32;
        int a0 = ao >> 5;
        for (int b = 0; b < blocks; b += 2) {
            long p = off + 18L * b;
            int ai = ao + 32 * b;
            ShortVector r0 = widen(w, p + 2);
            IntVector i0 = r0.and((short) 0xF).sub((short) 8).mul(ShortVector.fromArray(S256, aq, ai))
                    .add(r0.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).sub((short) 8)
                            .mul(ShortVector.fromArray(S256, aq, ai + 16))).reinterpretAsInts();
            FloatVector s0 = (FloatVector) i0.lanewise(VectorOperators.ASHR, 16)
                    .add(i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc0 = s0.fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(I16, p)) * as[a0 + b]), acc0);
            if (b + 1 < blocks) {
                ShortVector r1 = widen(w, p + 20);
                IntVector i1 = r1.and((short) 0xF).sub((short) 8).mul(ShortVector.fromArray(S256, aq, ai + 32))
                        .add(r1.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).sub((short) 8)
                                .mul(ShortVector.fromArray(S256, aq, ai + 48))).reinterpretAsInts();
                FloatVector s1 = (FloatVector) i1.lanewise(VectorOperators.ASHR, 16)
                        .add(i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
                acc1 = s1.fma(FloatVector.broadcast(F256, Float.float16ToFloat(w.get(I16, p + 18)) * as[a0 + b + 1]), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Q4_K blocks of 256: F16 d and dmin, 12 bytes of 6-bit scales and mins, 128 bytes of nibbles in 4 chunks of 64. */
    public static float dotQ4K(MemorySegment w, long off, Q8Vector a, int ao, int n) {
        short[] aq = a.q;
        float[] as = a.scale;
        int[] asum = a.sum;
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        float mins = 0;
        for (int b = 0; b < n / 256; b++) {
            long p = off + 144L * b;
            float d = Float.float16ToFloat(w.get(I16, p));
            float dmin = Float.float16ToFloat(w.get(I16, p + 2));
            // the block's 8 scales and 8 mins decoded once, before the vector loop: a call inside it (the JIT did not
            // always inline a per-sub-block decoder there) would spill the accumulators around every call
            long scales = Dequantizer.q4kScales(w.get(Layouts.I32, p + 4), w.get(Layouts.I32, p + 12));
            long minsPacked = Dequantizer.q4kMins(w.get(Layouts.I32, p + 8), w.get(Layouts.I32, p + 12));
            int blk = (ao + 256 * b) >> 5;
            for (int c = 0; c < 4; c++) {
                int ai = ao + 256 * b + 64 * c;
                ShortVector q0 = widen(w, p + 16 + 32 * c);
                ShortVector q1 = widen(w, p + 32 + 32 * c);
                IntVector lo = q0.and((short) 0xF).mul(ShortVector.fromArray(S256, aq, ai))
                        .add(q1.and((short) 0xF).mul(ShortVector.fromArray(S256, aq, ai + 16))).reinterpretAsInts();
                IntVector hi = q0.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).mul(ShortVector.fromArray(S256, aq, ai + 32))
                        .add(q1.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).mul(ShortVector.fromArray(S256, aq, ai + 48)))
                        .reinterpretAsInts();
                FloatVector loSum = (FloatVector) lo.lanewise(VectorOperators.ASHR, 16)
                        .add(lo.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
                FloatVector hiSum = (FloatVector) hi.lanewise(VectorOperators.ASHR, 16)
                        .add(hi.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
                int scLo = (int) (scales >>> (16 * c)) & 0xFF;
                int scHi = (int) (scales >>> (16 * c + 8)) & 0xFF;
                acc0 = loSum.fma(FloatVector.broadcast(F256, d * scLo * as[blk + 2 * c]), acc0);
                acc1 = hiSum.fma(FloatVector.broadcast(F256, d * scHi * as[blk + 2 * c + 1]), acc1);
            }
            float m = 0;
            for (int j = 0; j < 8; j++) {
                m += ((int) (minsPacked >>> (8 * j)) & 0xFF) * as[blk + j] * asum[blk + j];
            }
            mins += dmin * m;
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD) - mins;
    }

    /**
     * Q6_K blocks of 256: 128 bytes of low nibbles, 64 bytes of 2-bit highs, 16 int8 scales (one per 16 elements) and
     * an F16 d at the end. Values are 6-bit, offset by 32.
     */
    public static float dotQ6K(MemorySegment w, long off, Q8Vector a, int ao, int n) {
        short[] aq = a.q;
        float[] as = a.scale;
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
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
                    IntVector p1 = qa.and((short) 0xF).or(qh.and((short) 3).lanewise(VectorOperators.LSHL, 4)).sub((short) 32)
                            .mul(ShortVector.fromArray(S256, aq, base + lg)).reinterpretAsInts();
                    IntVector p2 = qb.and((short) 0xF).or(qh.and((short) 0xC).lanewise(VectorOperators.LSHL, 2)).sub((short) 32)
                            .mul(ShortVector.fromArray(S256, aq, base + 32 + lg)).reinterpretAsInts();
                    IntVector p3 = qa.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).or(qh.and((short) 0x30)).sub((short) 32)
                            .mul(ShortVector.fromArray(S256, aq, base + 64 + lg)).reinterpretAsInts();
                    IntVector p4 = qb.lanewise(VectorOperators.ASHR, 4).and((short) 0xF)
                            .or(qh.lanewise(VectorOperators.ASHR, 2).and((short) 0x30)).sub((short) 32)
                            .mul(ShortVector.fromArray(S256, aq, base + 96 + lg)).reinterpretAsInts();
                    // |product| <= 32 * 127 fits in a short; the pair sums are exact in int, then scaled by int8
                    s0 = p1.lanewise(VectorOperators.ASHR, 16).add(p1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                            .mul(w.get(Layouts.I8, is)).add(s0);
                    s1 = p2.lanewise(VectorOperators.ASHR, 16).add(p2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                            .mul(w.get(Layouts.I8, is + 2)).add(s1);
                    s2 = p3.lanewise(VectorOperators.ASHR, 16).add(p3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                            .mul(w.get(Layouts.I8, is + 4)).add(s2);
                    s3 = p4.lanewise(VectorOperators.ASHR, 16).add(p4.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                            .mul(w.get(Layouts.I8, is + 6)).add(s3);
                }
                int blk = base >> 5;
                acc0 = ((FloatVector) s0.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, d * as[blk]), acc0);
                acc1 = ((FloatVector) s1.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, d * as[blk + 1]), acc1);
                acc0 = ((FloatVector) s2.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, d * as[blk + 2]), acc0);
                acc1 = ((FloatVector) s3.convert(VectorOperators.I2F, 0)).fma(FloatVector.broadcast(F256, d * as[blk + 3]), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    // Tile kernels: dot products of one row with tokens k = 0..3 (tile) or 0..1 (pair), activations at ao + k * n,
    // written to out[oo + k * os]. Each weight block (or sub-block) is loaded and decoded once and multiplied with every
    // token of the tile. Per token, the arithmetic is the per-token kernel's (the same integer sums, and the same two
    // float accumulators fed in the same order), so the results are bit-identical to it when both are compiled alike
    // (C2's reduceLanes and the interpreter's sum the final eight lanes in different orders). Instead of unrolling two blocks
    // (the per-token kernels' acc0 for even blocks, acc1 for odd ones), which for four tokens writes out eight token
    // bodies and made C2 stop inlining (NodeCountInliningCutoff, the weight loads left as calls), each block goes to accK
    // and the pair accK/altK is swapped after it; accK + altK at the end is the same float sum in either order (IEEE
    // addition is commutative). Weights are loaded and widened inline, not through widen(), for the same reason. Live
    // vectors in a tile: eight accumulators, two decoded weight vectors and a few temporaries, within AVX2's sixteen.

    /** {@link #dotQ80} with four tokens: each block's 32 int8 weights are widened once. */
    static void tileQ80(MemorySegment w, long off, Q8Vector a, int ao, int n, float[] out, int oo, int os) {
        short[] aq = a.q;
        float[] as = a.scale;
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector alt0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        FloatVector alt1 = FloatVector.zero(F256);
        FloatVector acc2 = FloatVector.zero(F256);
        FloatVector alt2 = FloatVector.zero(F256);
        FloatVector acc3 = FloatVector.zero(F256);
        FloatVector alt3 = FloatVector.zero(F256);
        int k1 = ao + n;
        int k2 = ao + 2 * n;
        int k3 = ao + 3 * n;
        for (int b = 0; b < n / 32; b++) {
            long p = off + 34L * b;
            int e = 32 * b;
            ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, p + 2, LE).convertShape(VectorOperators.B2S, S256, 0);
            ShortVector w1 = (ShortVector) ByteVector.fromMemorySegment(B128, w, p + 18, LE).convertShape(VectorOperators.B2S, S256, 0);
            float d = Float.float16ToFloat(w.get(I16, p));
            IntVector i = w0.mul(ShortVector.fromArray(S256, aq, ao + e)).add(w1.mul(ShortVector.fromArray(S256, aq, ao + e + 16)))
                    .reinterpretAsInts();
            FloatVector s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                    .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc0 = s.fma(FloatVector.broadcast(F256, d * as[(ao + e) >> 5]), acc0);
            i = w0.mul(ShortVector.fromArray(S256, aq, k1 + e)).add(w1.mul(ShortVector.fromArray(S256, aq, k1 + e + 16)))
                    .reinterpretAsInts();
            s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                    .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc1 = s.fma(FloatVector.broadcast(F256, d * as[(k1 + e) >> 5]), acc1);
            i = w0.mul(ShortVector.fromArray(S256, aq, k2 + e)).add(w1.mul(ShortVector.fromArray(S256, aq, k2 + e + 16)))
                    .reinterpretAsInts();
            s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                    .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc2 = s.fma(FloatVector.broadcast(F256, d * as[(k2 + e) >> 5]), acc2);
            i = w0.mul(ShortVector.fromArray(S256, aq, k3 + e)).add(w1.mul(ShortVector.fromArray(S256, aq, k3 + e + 16)))
                    .reinterpretAsInts();
            s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                    .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc3 = s.fma(FloatVector.broadcast(F256, d * as[(k3 + e) >> 5]), acc3);
            FloatVector t = acc0;
            acc0 = alt0;
            alt0 = t;
            t = acc1;
            acc1 = alt1;
            alt1 = t;
            t = acc2;
            acc2 = alt2;
            alt2 = t;
            t = acc3;
            acc3 = alt3;
            alt3 = t;
        }
        out[oo] = acc0.add(alt0).reduceLanes(VectorOperators.ADD);
        out[oo + os] = acc1.add(alt1).reduceLanes(VectorOperators.ADD);
        out[oo + 2 * os] = acc2.add(alt2).reduceLanes(VectorOperators.ADD);
        out[oo + 3 * os] = acc3.add(alt3).reduceLanes(VectorOperators.ADD);
    }

    /** {@link #dotQ40} with four tokens: each block's 32 nibbles are unpacked once. */
    static void tileQ40(MemorySegment w, long off, Q8Vector a, int ao, int n, float[] out, int oo, int os) {
        short[] aq = a.q;
        float[] as = a.scale;
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector alt0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        FloatVector alt1 = FloatVector.zero(F256);
        FloatVector acc2 = FloatVector.zero(F256);
        FloatVector alt2 = FloatVector.zero(F256);
        FloatVector acc3 = FloatVector.zero(F256);
        FloatVector alt3 = FloatVector.zero(F256);
        int k1 = ao + n;
        int k2 = ao + 2 * n;
        int k3 = ao + 3 * n;
        for (int b = 0; b < n / 32; b++) {
            long p = off + 18L * b;
            int e = 32 * b;
            ShortVector r = (ShortVector) ByteVector.fromMemorySegment(B128, w, p + 2, LE).convertShape(VectorOperators.B2S, S256, 0);
            ShortVector w0 = r.and((short) 0xF).sub((short) 8);
            ShortVector w1 = r.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).sub((short) 8);
            float d = Float.float16ToFloat(w.get(I16, p));
            IntVector i = w0.mul(ShortVector.fromArray(S256, aq, ao + e)).add(w1.mul(ShortVector.fromArray(S256, aq, ao + e + 16)))
                    .reinterpretAsInts();
            FloatVector s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                    .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc0 = s.fma(FloatVector.broadcast(F256, d * as[(ao + e) >> 5]), acc0);
            i = w0.mul(ShortVector.fromArray(S256, aq, k1 + e)).add(w1.mul(ShortVector.fromArray(S256, aq, k1 + e + 16)))
                    .reinterpretAsInts();
            s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                    .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc1 = s.fma(FloatVector.broadcast(F256, d * as[(k1 + e) >> 5]), acc1);
            i = w0.mul(ShortVector.fromArray(S256, aq, k2 + e)).add(w1.mul(ShortVector.fromArray(S256, aq, k2 + e + 16)))
                    .reinterpretAsInts();
            s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                    .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc2 = s.fma(FloatVector.broadcast(F256, d * as[(k2 + e) >> 5]), acc2);
            i = w0.mul(ShortVector.fromArray(S256, aq, k3 + e)).add(w1.mul(ShortVector.fromArray(S256, aq, k3 + e + 16)))
                    .reinterpretAsInts();
            s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                    .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc3 = s.fma(FloatVector.broadcast(F256, d * as[(k3 + e) >> 5]), acc3);
            FloatVector t = acc0;
            acc0 = alt0;
            alt0 = t;
            t = acc1;
            acc1 = alt1;
            alt1 = t;
            t = acc2;
            acc2 = alt2;
            alt2 = t;
            t = acc3;
            acc3 = alt3;
            alt3 = t;
        }
        out[oo] = acc0.add(alt0).reduceLanes(VectorOperators.ADD);
        out[oo + os] = acc1.add(alt1).reduceLanes(VectorOperators.ADD);
        out[oo + 2 * os] = acc2.add(alt2).reduceLanes(VectorOperators.ADD);
        out[oo + 3 * os] = acc3.add(alt3).reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@link #dotQ4K} with four tokens: sub-block j (32 nibbles, the low ones of a chunk for even j, the high ones for
     * odd j) is unpacked once; a block's scales and mins are decoded once for the four tokens.
     */
    static void tileQ4K(MemorySegment w, long off, Q8Vector a, int ao, int n, float[] out, int oo, int os) {
        short[] aq = a.q;
        float[] as = a.scale;
        int[] asum = a.sum;
        float mins0 = 0;
        float mins1 = 0;
        float mins2 = 0;
        float mins3 = 0;
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector alt0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        FloatVector alt1 = FloatVector.zero(F256);
        FloatVector acc2 = FloatVector.zero(F256);
        FloatVector alt2 = FloatVector.zero(F256);
        FloatVector acc3 = FloatVector.zero(F256);
        FloatVector alt3 = FloatVector.zero(F256);
        int k1 = ao + n;
        int k2 = ao + 2 * n;
        int k3 = ao + 3 * n;
        for (int b = 0; b < n / 256; b++) {
            long p = off + 144L * b;
            float d = Float.float16ToFloat(w.get(I16, p));
            float dmin = Float.float16ToFloat(w.get(I16, p + 2));
            long scales = Dequantizer.q4kScales(w.get(Layouts.I32, p + 4), w.get(Layouts.I32, p + 12));
            long minsPacked = Dequantizer.q4kMins(w.get(Layouts.I32, p + 8), w.get(Layouts.I32, p + 12));
            for (int j = 0; j < 8; j++) {
                long q = p + 16 + 32 * (j >> 1);
                int shift = 4 * (j & 1);
                int e = 256 * b + 32 * j;
                float dj = d * ((int) (scales >>> (8 * j)) & 0xFF);
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, q, LE).convertShape(VectorOperators.B2S, S256, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B128, w, q + 16, LE).convertShape(VectorOperators.B2S, S256, 0);
                ShortVector w0 = q0.lanewise(VectorOperators.ASHR, shift).and((short) 0xF);
                ShortVector w1 = q1.lanewise(VectorOperators.ASHR, shift).and((short) 0xF);
                IntVector i = w0.mul(ShortVector.fromArray(S256, aq, ao + e)).add(w1.mul(ShortVector.fromArray(S256, aq, ao + e + 16)))
                        .reinterpretAsInts();
                FloatVector s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                        .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
                acc0 = s.fma(FloatVector.broadcast(F256, dj * as[(ao + e) >> 5]), acc0);
                i = w0.mul(ShortVector.fromArray(S256, aq, k1 + e)).add(w1.mul(ShortVector.fromArray(S256, aq, k1 + e + 16)))
                        .reinterpretAsInts();
                s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                        .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
                acc1 = s.fma(FloatVector.broadcast(F256, dj * as[(k1 + e) >> 5]), acc1);
                i = w0.mul(ShortVector.fromArray(S256, aq, k2 + e)).add(w1.mul(ShortVector.fromArray(S256, aq, k2 + e + 16)))
                        .reinterpretAsInts();
                s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                        .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
                acc2 = s.fma(FloatVector.broadcast(F256, dj * as[(k2 + e) >> 5]), acc2);
                i = w0.mul(ShortVector.fromArray(S256, aq, k3 + e)).add(w1.mul(ShortVector.fromArray(S256, aq, k3 + e + 16)))
                        .reinterpretAsInts();
                s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                        .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
                acc3 = s.fma(FloatVector.broadcast(F256, dj * as[(k3 + e) >> 5]), acc3);
                FloatVector t = acc0;
                acc0 = alt0;
                alt0 = t;
                t = acc1;
                acc1 = alt1;
                alt1 = t;
                t = acc2;
                acc2 = alt2;
                alt2 = t;
                t = acc3;
                acc3 = alt3;
                alt3 = t;
            }
            int j0 = (ao + 256 * b) >> 5;
            int j1 = (k1 + 256 * b) >> 5;
            int j2 = (k2 + 256 * b) >> 5;
            int j3 = (k3 + 256 * b) >> 5;
            float m0 = 0;
            float m1 = 0;
            float m2 = 0;
            float m3 = 0;
            for (int j = 0; j < 8; j++) {
                int m = (int) (minsPacked >>> (8 * j)) & 0xFF;
                m0 += m * as[j0 + j] * asum[j0 + j];
                m1 += m * as[j1 + j] * asum[j1 + j];
                m2 += m * as[j2 + j] * asum[j2 + j];
                m3 += m * as[j3 + j] * asum[j3 + j];
            }
            mins0 += dmin * m0;
            mins1 += dmin * m1;
            mins2 += dmin * m2;
            mins3 += dmin * m3;
        }
        out[oo] = acc0.add(alt0).reduceLanes(VectorOperators.ADD) - mins0;
        out[oo + os] = acc1.add(alt1).reduceLanes(VectorOperators.ADD) - mins1;
        out[oo + 2 * os] = acc2.add(alt2).reduceLanes(VectorOperators.ADD) - mins2;
        out[oo + 3 * os] = acc3.add(alt3).reduceLanes(VectorOperators.ADD) - mins3;
    }

    /**
     * {@link #dotQ6K} with four tokens: per half-block h and group k of 32 elements, the 32 six-bit weights are decoded
     * once (k-dependent shifts pick the nibble and the two high bits: the same values as the per-token kernel's four
     * written-out decodes); groups alternate between the two accumulators as s0..s3 do there.
     */
    static void tileQ6K(MemorySegment w, long off, Q8Vector a, int ao, int n, float[] out, int oo, int os) {
        short[] aq = a.q;
        float[] as = a.scale;
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector alt0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        FloatVector alt1 = FloatVector.zero(F256);
        FloatVector acc2 = FloatVector.zero(F256);
        FloatVector alt2 = FloatVector.zero(F256);
        FloatVector acc3 = FloatVector.zero(F256);
        FloatVector alt3 = FloatVector.zero(F256);
        int k1 = ao + n;
        int k2 = ao + 2 * n;
        int k3 = ao + 3 * n;
        for (int b = 0; b < n / 256; b++) {
            long p = off + 210L * b;
            float d = Float.float16ToFloat(w.get(I16, p + 208));
            for (int hk = 0; hk < 8; hk++) {
                int h = hk >> 2;
                int k = hk & 3;
                long lowAt = p + 64 * h + 32 * (k & 1);
                long highAt = p + 128 + 32 * h;
                int lowShift = 4 * (k >> 1);
                int highShift = 2 * k;
                ShortVector lo0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, lowAt, LE)
                        .convertShape(VectorOperators.B2S, S256, 0);
                ShortVector hi0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, highAt, LE)
                        .convertShape(VectorOperators.B2S, S256, 0);
                ShortVector w0 = lo0.lanewise(VectorOperators.ASHR, lowShift).and((short) 0xF)
                        .or(hi0.lanewise(VectorOperators.ASHR, highShift).and((short) 3).lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
                ShortVector lo1 = (ShortVector) ByteVector.fromMemorySegment(B128, w, lowAt + 16, LE)
                        .convertShape(VectorOperators.B2S, S256, 0);
                ShortVector hi1 = (ShortVector) ByteVector.fromMemorySegment(B128, w, highAt + 16, LE)
                        .convertShape(VectorOperators.B2S, S256, 0);
                ShortVector w1 = lo1.lanewise(VectorOperators.ASHR, lowShift).and((short) 0xF)
                        .or(hi1.lanewise(VectorOperators.ASHR, highShift).and((short) 3).lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
                int sc0 = w.get(Layouts.I8, p + 192 + 8 * h + 2 * k);
                int sc1 = w.get(Layouts.I8, p + 193 + 8 * h + 2 * k);
                int e = 256 * b + 128 * h + 32 * k;
                // |product| <= 32 * 127 fits in a short; the pair sums are exact in int, then scaled by int8
                IntVector i0 = w0.mul(ShortVector.fromArray(S256, aq, ao + e)).reinterpretAsInts();
                IntVector i1 = w1.mul(ShortVector.fromArray(S256, aq, ao + e + 16)).reinterpretAsInts();
                FloatVector s = (FloatVector) i0.lanewise(VectorOperators.ASHR, 16)
                        .add(i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).mul(sc0)
                        .add(i1.lanewise(VectorOperators.ASHR, 16)
                                .add(i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).mul(sc1))
                        .convert(VectorOperators.I2F, 0);
                FloatVector f = FloatVector.broadcast(F256, d * as[(ao + e) >> 5]);
                acc0 = s.fma(f, acc0);
                i0 = w0.mul(ShortVector.fromArray(S256, aq, k1 + e)).reinterpretAsInts();
                i1 = w1.mul(ShortVector.fromArray(S256, aq, k1 + e + 16)).reinterpretAsInts();
                s = (FloatVector) i0.lanewise(VectorOperators.ASHR, 16)
                        .add(i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).mul(sc0)
                        .add(i1.lanewise(VectorOperators.ASHR, 16)
                                .add(i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).mul(sc1))
                        .convert(VectorOperators.I2F, 0);
                f = FloatVector.broadcast(F256, d * as[(k1 + e) >> 5]);
                acc1 = s.fma(f, acc1);
                i0 = w0.mul(ShortVector.fromArray(S256, aq, k2 + e)).reinterpretAsInts();
                i1 = w1.mul(ShortVector.fromArray(S256, aq, k2 + e + 16)).reinterpretAsInts();
                s = (FloatVector) i0.lanewise(VectorOperators.ASHR, 16)
                        .add(i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).mul(sc0)
                        .add(i1.lanewise(VectorOperators.ASHR, 16)
                                .add(i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).mul(sc1))
                        .convert(VectorOperators.I2F, 0);
                f = FloatVector.broadcast(F256, d * as[(k2 + e) >> 5]);
                acc2 = s.fma(f, acc2);
                i0 = w0.mul(ShortVector.fromArray(S256, aq, k3 + e)).reinterpretAsInts();
                i1 = w1.mul(ShortVector.fromArray(S256, aq, k3 + e + 16)).reinterpretAsInts();
                s = (FloatVector) i0.lanewise(VectorOperators.ASHR, 16)
                        .add(i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).mul(sc0)
                        .add(i1.lanewise(VectorOperators.ASHR, 16)
                                .add(i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).mul(sc1))
                        .convert(VectorOperators.I2F, 0);
                f = FloatVector.broadcast(F256, d * as[(k3 + e) >> 5]);
                acc3 = s.fma(f, acc3);
                FloatVector t = acc0;
                acc0 = alt0;
                alt0 = t;
                t = acc1;
                acc1 = alt1;
                alt1 = t;
                t = acc2;
                acc2 = alt2;
                alt2 = t;
                t = acc3;
                acc3 = alt3;
                alt3 = t;
            }
        }
        out[oo] = acc0.add(alt0).reduceLanes(VectorOperators.ADD);
        out[oo + os] = acc1.add(alt1).reduceLanes(VectorOperators.ADD);
        out[oo + 2 * os] = acc2.add(alt2).reduceLanes(VectorOperators.ADD);
        out[oo + 3 * os] = acc3.add(alt3).reduceLanes(VectorOperators.ADD);
    }

    /** {@link #tileQ80} with two tokens (the last tokens of a batch that do not fill a tile of four). */
    static void pairQ80(MemorySegment w, long off, Q8Vector a, int ao, int n, float[] out, int oo, int os) {
        short[] aq = a.q;
        float[] as = a.scale;
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector alt0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        FloatVector alt1 = FloatVector.zero(F256);
        int k1 = ao + n;
        for (int b = 0; b < n / 32; b++) {
            long p = off + 34L * b;
            int e = 32 * b;
            ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, p + 2, LE).convertShape(VectorOperators.B2S, S256, 0);
            ShortVector w1 = (ShortVector) ByteVector.fromMemorySegment(B128, w, p + 18, LE).convertShape(VectorOperators.B2S, S256, 0);
            float d = Float.float16ToFloat(w.get(I16, p));
            IntVector i = w0.mul(ShortVector.fromArray(S256, aq, ao + e)).add(w1.mul(ShortVector.fromArray(S256, aq, ao + e + 16)))
                    .reinterpretAsInts();
            FloatVector s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                    .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc0 = s.fma(FloatVector.broadcast(F256, d * as[(ao + e) >> 5]), acc0);
            i = w0.mul(ShortVector.fromArray(S256, aq, k1 + e)).add(w1.mul(ShortVector.fromArray(S256, aq, k1 + e + 16)))
                    .reinterpretAsInts();
            s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                    .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc1 = s.fma(FloatVector.broadcast(F256, d * as[(k1 + e) >> 5]), acc1);
            FloatVector t = acc0;
            acc0 = alt0;
            alt0 = t;
            t = acc1;
            acc1 = alt1;
            alt1 = t;
        }
        out[oo] = acc0.add(alt0).reduceLanes(VectorOperators.ADD);
        out[oo + os] = acc1.add(alt1).reduceLanes(VectorOperators.ADD);
    }

    /** {@link #tileQ40} with two tokens (the last tokens of a batch that do not fill a tile of four). */
    static void pairQ40(MemorySegment w, long off, Q8Vector a, int ao, int n, float[] out, int oo, int os) {
        short[] aq = a.q;
        float[] as = a.scale;
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector alt0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        FloatVector alt1 = FloatVector.zero(F256);
        int k1 = ao + n;
        for (int b = 0; b < n / 32; b++) {
            long p = off + 18L * b;
            int e = 32 * b;
            ShortVector r = (ShortVector) ByteVector.fromMemorySegment(B128, w, p + 2, LE).convertShape(VectorOperators.B2S, S256, 0);
            ShortVector w0 = r.and((short) 0xF).sub((short) 8);
            ShortVector w1 = r.lanewise(VectorOperators.ASHR, 4).and((short) 0xF).sub((short) 8);
            float d = Float.float16ToFloat(w.get(I16, p));
            IntVector i = w0.mul(ShortVector.fromArray(S256, aq, ao + e)).add(w1.mul(ShortVector.fromArray(S256, aq, ao + e + 16)))
                    .reinterpretAsInts();
            FloatVector s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                    .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc0 = s.fma(FloatVector.broadcast(F256, d * as[(ao + e) >> 5]), acc0);
            i = w0.mul(ShortVector.fromArray(S256, aq, k1 + e)).add(w1.mul(ShortVector.fromArray(S256, aq, k1 + e + 16)))
                    .reinterpretAsInts();
            s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                    .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
            acc1 = s.fma(FloatVector.broadcast(F256, d * as[(k1 + e) >> 5]), acc1);
            FloatVector t = acc0;
            acc0 = alt0;
            alt0 = t;
            t = acc1;
            acc1 = alt1;
            alt1 = t;
        }
        out[oo] = acc0.add(alt0).reduceLanes(VectorOperators.ADD);
        out[oo + os] = acc1.add(alt1).reduceLanes(VectorOperators.ADD);
    }

    /** {@link #tileQ4K} with two tokens (the last tokens of a batch that do not fill a tile of four). */
    static void pairQ4K(MemorySegment w, long off, Q8Vector a, int ao, int n, float[] out, int oo, int os) {
        short[] aq = a.q;
        float[] as = a.scale;
        int[] asum = a.sum;
        float mins0 = 0;
        float mins1 = 0;
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector alt0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        FloatVector alt1 = FloatVector.zero(F256);
        int k1 = ao + n;
        for (int b = 0; b < n / 256; b++) {
            long p = off + 144L * b;
            float d = Float.float16ToFloat(w.get(I16, p));
            float dmin = Float.float16ToFloat(w.get(I16, p + 2));
            long scales = Dequantizer.q4kScales(w.get(Layouts.I32, p + 4), w.get(Layouts.I32, p + 12));
            long minsPacked = Dequantizer.q4kMins(w.get(Layouts.I32, p + 8), w.get(Layouts.I32, p + 12));
            for (int j = 0; j < 8; j++) {
                long q = p + 16 + 32 * (j >> 1);
                int shift = 4 * (j & 1);
                int e = 256 * b + 32 * j;
                float dj = d * ((int) (scales >>> (8 * j)) & 0xFF);
                ShortVector q0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, q, LE).convertShape(VectorOperators.B2S, S256, 0);
                ShortVector q1 = (ShortVector) ByteVector.fromMemorySegment(B128, w, q + 16, LE).convertShape(VectorOperators.B2S, S256, 0);
                ShortVector w0 = q0.lanewise(VectorOperators.ASHR, shift).and((short) 0xF);
                ShortVector w1 = q1.lanewise(VectorOperators.ASHR, shift).and((short) 0xF);
                IntVector i = w0.mul(ShortVector.fromArray(S256, aq, ao + e)).add(w1.mul(ShortVector.fromArray(S256, aq, ao + e + 16)))
                        .reinterpretAsInts();
                FloatVector s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                        .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
                acc0 = s.fma(FloatVector.broadcast(F256, dj * as[(ao + e) >> 5]), acc0);
                i = w0.mul(ShortVector.fromArray(S256, aq, k1 + e)).add(w1.mul(ShortVector.fromArray(S256, aq, k1 + e + 16)))
                        .reinterpretAsInts();
                s = (FloatVector) i.lanewise(VectorOperators.ASHR, 16)
                        .add(i.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).convert(VectorOperators.I2F, 0);
                acc1 = s.fma(FloatVector.broadcast(F256, dj * as[(k1 + e) >> 5]), acc1);
                FloatVector t = acc0;
                acc0 = alt0;
                alt0 = t;
                t = acc1;
                acc1 = alt1;
                alt1 = t;
            }
            int j0 = (ao + 256 * b) >> 5;
            int j1 = (k1 + 256 * b) >> 5;
            float m0 = 0;
            float m1 = 0;
            for (int j = 0; j < 8; j++) {
                int m = (int) (minsPacked >>> (8 * j)) & 0xFF;
                m0 += m * as[j0 + j] * asum[j0 + j];
                m1 += m * as[j1 + j] * asum[j1 + j];
            }
            mins0 += dmin * m0;
            mins1 += dmin * m1;
        }
        out[oo] = acc0.add(alt0).reduceLanes(VectorOperators.ADD) - mins0;
        out[oo + os] = acc1.add(alt1).reduceLanes(VectorOperators.ADD) - mins1;
    }

    /** {@link #tileQ6K} with two tokens (the last tokens of a batch that do not fill a tile of four). */
    static void pairQ6K(MemorySegment w, long off, Q8Vector a, int ao, int n, float[] out, int oo, int os) {
        short[] aq = a.q;
        float[] as = a.scale;
        FloatVector acc0 = FloatVector.zero(F256);
        FloatVector alt0 = FloatVector.zero(F256);
        FloatVector acc1 = FloatVector.zero(F256);
        FloatVector alt1 = FloatVector.zero(F256);
        int k1 = ao + n;
        for (int b = 0; b < n / 256; b++) {
            long p = off + 210L * b;
            float d = Float.float16ToFloat(w.get(I16, p + 208));
            for (int hk = 0; hk < 8; hk++) {
                int h = hk >> 2;
                int k = hk & 3;
                long lowAt = p + 64 * h + 32 * (k & 1);
                long highAt = p + 128 + 32 * h;
                int lowShift = 4 * (k >> 1);
                int highShift = 2 * k;
                ShortVector lo0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, lowAt, LE)
                        .convertShape(VectorOperators.B2S, S256, 0);
                ShortVector hi0 = (ShortVector) ByteVector.fromMemorySegment(B128, w, highAt, LE)
                        .convertShape(VectorOperators.B2S, S256, 0);
                ShortVector w0 = lo0.lanewise(VectorOperators.ASHR, lowShift).and((short) 0xF)
                        .or(hi0.lanewise(VectorOperators.ASHR, highShift).and((short) 3).lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
                ShortVector lo1 = (ShortVector) ByteVector.fromMemorySegment(B128, w, lowAt + 16, LE)
                        .convertShape(VectorOperators.B2S, S256, 0);
                ShortVector hi1 = (ShortVector) ByteVector.fromMemorySegment(B128, w, highAt + 16, LE)
                        .convertShape(VectorOperators.B2S, S256, 0);
                ShortVector w1 = lo1.lanewise(VectorOperators.ASHR, lowShift).and((short) 0xF)
                        .or(hi1.lanewise(VectorOperators.ASHR, highShift).and((short) 3).lanewise(VectorOperators.LSHL, 4)).sub((short) 32);
                int sc0 = w.get(Layouts.I8, p + 192 + 8 * h + 2 * k);
                int sc1 = w.get(Layouts.I8, p + 193 + 8 * h + 2 * k);
                int e = 256 * b + 128 * h + 32 * k;
                // |product| <= 32 * 127 fits in a short; the pair sums are exact in int, then scaled by int8
                IntVector i0 = w0.mul(ShortVector.fromArray(S256, aq, ao + e)).reinterpretAsInts();
                IntVector i1 = w1.mul(ShortVector.fromArray(S256, aq, ao + e + 16)).reinterpretAsInts();
                FloatVector s = (FloatVector) i0.lanewise(VectorOperators.ASHR, 16)
                        .add(i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).mul(sc0)
                        .add(i1.lanewise(VectorOperators.ASHR, 16)
                                .add(i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).mul(sc1))
                        .convert(VectorOperators.I2F, 0);
                FloatVector f = FloatVector.broadcast(F256, d * as[(ao + e) >> 5]);
                acc0 = s.fma(f, acc0);
                i0 = w0.mul(ShortVector.fromArray(S256, aq, k1 + e)).reinterpretAsInts();
                i1 = w1.mul(ShortVector.fromArray(S256, aq, k1 + e + 16)).reinterpretAsInts();
                s = (FloatVector) i0.lanewise(VectorOperators.ASHR, 16)
                        .add(i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).mul(sc0)
                        .add(i1.lanewise(VectorOperators.ASHR, 16)
                                .add(i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)).mul(sc1))
                        .convert(VectorOperators.I2F, 0);
                f = FloatVector.broadcast(F256, d * as[(k1 + e) >> 5]);
                acc1 = s.fma(f, acc1);
                FloatVector t = acc0;
                acc0 = alt0;
                alt0 = t;
                t = acc1;
                acc1 = alt1;
                alt1 = t;
            }
        }
        out[oo] = acc0.add(alt0).reduceLanes(VectorOperators.ADD);
        out[oo + os] = acc1.add(alt1).reduceLanes(VectorOperators.ADD);
    }
}
