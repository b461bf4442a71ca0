package io.mopao.engine.cpu;

import io.mopao.engine.model.ReferenceTransformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One head's attention, the arithmetic both CPU attentions run: against a float64 softmax reference, and bit-identical
 * whether the KV is contiguous or paged through a block table.
 */
class AttentionHeadTest {
    private static final int KV_HEADS = 2;

    /** {@code n} gaussian floats of standard deviation {@code scale}. */
    private static float[] random(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    /** float64 reference ({@link ReferenceTransformer#attendHead}) of KV head {@code g} at position {@code pos}. */
    private static double[] reference(float[] q, float[] keys, float[] values, int headDim, int g, int pos) {
        int kvDim = KV_HEADS * headDim;
        double[][] k = new double[pos + 1][kvDim];
        double[][] v = new double[pos + 1][kvDim];
        for (int t = 0; t <= pos; t++) {
            for (int i = 0; i < kvDim; i++) {
                k[t][i] = keys[t * kvDim + i];
                v[t][i] = values[t * kvDim + i];
            }
        }
        double[] qd = new double[headDim];
        for (int i = 0; i < headDim; i++) {
            qd[i] = q[i];
        }
        double[] out = new double[headDim];
        ReferenceTransformer.attendHead(qd, 0, k, v, g * headDim, headDim, pos, out, 0);
        return out;
    }

    /** Scores up to several hundred: without subtracting the maximum, exp would overflow to infinity. */
    @ParameterizedTest(name = "headDim={0} vectorized={1}")
    @CsvSource({"16,true", "16,false", "20,true", "20,false", "3,true", "128,true"})
    void matchesAFloat64Softmax(int headDim, boolean vectorized) {
        Random r = new Random(headDim);
        int positions = 37;
        int kvDim = KV_HEADS * headDim;
        float[] keys = random(r, positions * kvDim, 4f);
        float[] values = random(r, positions * kvDim, 1f);
        float[] q = random(r, headDim, 8f);
        AttentionHead head = new AttentionHead(vectorized, 1);
        head.reserve(positions);
        float[] out = new float[headDim + 5];
        for (int pos : new int[] {0, 1, 17, positions - 1}) {
            for (int g = 0; g < KV_HEADS; g++) {
                double[] expected = reference(q, keys, values, headDim, g, pos);
                head.attend(out, 5, q, 0, keys, values, kvDim, g * headDim, headDim, pos, null, 1);
                for (int i = 0; i < headDim; i++) {
                    assertEquals(expected[i], out[5 + i], 1e-4 * Math.max(1, Math.abs(expected[i])),
                            "dim " + i + " of KV head " + g + " at position " + pos);
                }
            }
        }
        assertEquals(0f, out[0], "nothing is written before the head's output");
    }

    @ParameterizedTest(name = "vectorized={0}")
    @ValueSource(booleans = {true, false})
    void pagedKvGivesTheContiguousBits(boolean vectorized) {
        Random r = new Random(7);
        int headDim = 24;
        int kvDim = KV_HEADS * headDim;
        int blockSize = 4;
        int positions = 22;
        float[] keys = random(r, positions * kvDim, 2f);
        float[] values = random(r, positions * kvDim, 1f);
        float[] q = random(r, headDim, 2f);
        // the same positions scattered over 9 blocks of a pool of 12
        int[] table = {11, 3, 7, 0, 9, 5};
        float[] pagedKeys = new float[12 * blockSize * kvDim];
        float[] pagedValues = new float[pagedKeys.length];
        for (int t = 0; t < positions; t++) {
            int slot = table[t / blockSize] * blockSize + t % blockSize;
            System.arraycopy(keys, t * kvDim, pagedKeys, slot * kvDim, kvDim);
            System.arraycopy(values, t * kvDim, pagedValues, slot * kvDim, kvDim);
        }
        AttentionHead head = new AttentionHead(vectorized, positions);
        float[] contiguous = new float[headDim];
        float[] paged = new float[headDim];
        for (int pos = 0; pos < positions; pos++) {
            head.attend(contiguous, 0, q, 0, keys, values, kvDim, headDim, headDim, pos, null, 1);
            head.attend(paged, 0, q, 0, pagedKeys, pagedValues, kvDim, headDim, headDim, pos, table, blockSize);
            assertArrayEquals(contiguous, paged, "position " + pos);
        }
    }

    @Test
    void reserveGrowsAtLeastTwofold() {
        AttentionHead head = new AttentionHead(true, 100);
        head.reserve(50);
        assertEquals(100, head.capacity());
        head.reserve(101);
        assertTrue(head.capacity() >= 200, "capacity " + head.capacity());
    }
}
