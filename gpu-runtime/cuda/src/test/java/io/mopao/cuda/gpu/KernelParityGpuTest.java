package io.mopao.cuda.gpu;

import io.mopao.cuda.CudaBackend;
import io.mopao.cuda.select.DeviceProbe;
import io.mopao.engine.cpu.CpuBackend;
import io.mopao.engine.gguf.GgmlType;
import io.mopao.engine.model.KvCache;
import io.mopao.engine.model.ModelConfig;
import io.mopao.engine.tensor.Quantizer;
import io.mopao.engine.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kernel against the CPU backend's scalar reference on fresh random inputs (a new seed per run, printed on
 * failure). Bounds: element-wise kernels 1e-5 relative; matrix products, relative to the row's L2 norm: 1e-5 for
 * F32/F16/BF16 (same dequantised weights, different summation order), 2e-2 for Q8_0/Q4_0/Q4_K/Q6_K (the CPU quantises
 * activations to int8 per 32 values; the GPU multiplies float activations); attention 1e-4.
 */
class KernelParityGpuTest {
    private static CudaBackend gpu;
    private static CpuBackend cpu;
    private final long seed = System.nanoTime();
    private final Random rnd = new Random(seed);

    /** Per test, so that each one reports as skipped with the reason on a machine without a GPU. */
    @BeforeEach
    void open() {
        DeviceProbe p = Gpu.require();
        if (gpu == null) {
            gpu = CudaBackend.open(p);
            cpu = new CpuBackend(2, false);
        }
    }

    @AfterAll
    static void close() {
        if (gpu != null) {
            gpu.close();
            cpu.close();
        }
    }

    private float[] random(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian() * scale;
        }
        return a;
    }

    private Tensor tensor(GgmlType type, int rows, int cols) {
        float[] w = random(rows * cols, 0.05f);
        byte[] bytes = Quantizer.quantize(type, w, cols);
        return new Tensor("w", type, rows, cols, MemorySegment.ofArray(bytes));
    }

    private void close(float[] want, float[] got, double relToNorm, String what) {
        double norm = 0;
        for (float v : want) {
            norm += v * v;
        }
        norm = Math.sqrt(norm / Math.max(1, want.length)) + 1e-12;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(want[i] - got[i]) / norm;
            final int at = i;
            assertTrue(err <= relToNorm, () -> what + " [seed " + seed + "] element " + at + ": cpu " + want[at] + " gpu " + got[at]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void matmulMatchesTheCpuForEveryTypeAndBatch(GgmlType type) {
        for (int batch : new int[] {1, 3, 16, 17, 70}) {
            Tensor w = tensor(type, 300, 512);
            float[] x = random(batch * 512, 1f);
            float[] want = new float[batch * 300];
            float[] got = new float[batch * 300];
            cpu.matmul(w, x, want, batch);
            gpu.matmul(w, x, got, batch);
            close(want, got, Tensor.usesQ8(type) ? 2e-2 : 1e-5, type + " batch " + batch);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void embeddingDecodesRowsLikeTheCpu(GgmlType type) {
        Tensor t = tensor(type, 50, 256);
        float[] want = new float[256];
        float[] got = new float[256];
        for (int tok : new int[] {0, 17, 49}) {
            cpu.embed(t, tok, want, 0);
            gpu.embed(t, tok, got, 0);
            assertArrayEquals(want, got, 1e-6f, type + " row " + tok + " [seed " + seed + "]");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 288, 2048})
    void elementwiseKernelsMatch(int dim) {
        int batch = 5;
        float[] x = random(dim * batch, 2f);
        float[] w = random(dim, 1f);
        float[] a = new float[dim * batch];
        float[] b = new float[dim * batch];
        cpu.rmsnorm(a, x, w, dim, batch, 1e-5f);
        gpu.rmsnorm(b, x, w, dim, batch, 1e-5f);
        close(a, b, 1e-5, "rmsnorm");
        float[] g1 = random(dim * batch, 3f);
        float[] g2 = g1.clone();
        float[] up = random(dim * batch, 1f);
        cpu.siluMul(g1, up, dim * batch);
        gpu.siluMul(g2, up, dim * batch);
        close(g1, g2, 1e-5, "silu_mul");
        float[] s1 = random(dim * batch, 1f);
        float[] s2 = s1.clone();
        float[] y = random(dim * batch, 1f);
        cpu.add(s1, y, dim * batch);
        gpu.add(s2, y, dim * batch);
        assertArrayEquals(s1, s2, "add");
        float[] bias = random(dim, 1f);
        cpu.addBias(s1, bias, batch);
        gpu.addBias(s2, bias, batch);
        assertArrayEquals(s1, s2, "add_bias");
    }

    private static ModelConfig config(int heads, int kvHeads, int headDim, boolean neox) {
        float[] inv = new float[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = (float) Math.pow(10000, -2.0 * i / headDim);
        }
        return new ModelConfig("llama", heads * headDim, 1, heads, kvHeads, headDim, 4 * heads * headDim, 100, 4096, 1e-5f, 10000f, headDim,
                neox, inv, false);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void ropeMatches(boolean neox) {
        ModelConfig c = config(8, 2, 64, neox);
        float[] a = random(3 * 8 * 64, 1f);
        float[] b = a.clone();
        cpu.rope(a, 8, 3, 1000, c);
        gpu.rope(b, 8, 3, 1000, c);
        close(a, b, 1e-5, "rope");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 40})
    void attentionMatchesForDecodeAndPrefill(int batch) {
        ModelConfig c = config(8, 2, 64, false);
        int start = 300;
        KvCache cache = new KvCache(1, 512, c.kvDim());
        float[] k = random(512 * c.kvDim(), 1f);
        float[] v = random(512 * c.kvDim(), 1f);
        System.arraycopy(k, 0, cache.keys(0), 0, k.length);
        System.arraycopy(v, 0, cache.values(0), 0, v.length);
        float[] q = random(batch * c.qDim(), 1f);
        float[] a = new float[batch * c.qDim()];
        float[] b = new float[batch * c.qDim()];
        cpu.attention(a, q, cache, 0, batch, start, c);
        gpu.attention(b, q, cache, 0, batch, start, c);
        close(a, b, 1e-4, "attention batch " + batch);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 32000})
    void samplingHelpersPickTheArgmaxAndNormalise(int n) {
        float[] logits = random(3 * n, 4f);
        int[] ids = gpu.argmax(logits, n, 3);
        for (int r = 0; r < 3; r++) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (logits[r * n + i] > logits[r * n + best]) {
                    best = i;
                }
            }
            assertTrue(ids[r] == best, "argmax row " + r);
        }
        float[] p = logits.clone();
        gpu.softmax(p, n, 3, 1f / 0.7f);
        for (int r = 0; r < 3; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += p[r * n + i];
            }
            assertTrue(Math.abs(sum - 1) < 1e-4, "softmax row sums to 1: " + sum);
        }
    }
}
