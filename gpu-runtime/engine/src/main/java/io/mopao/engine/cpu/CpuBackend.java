package io.mopao.engine.cpu;

import io.mopao.engine.model.Backend;
import io.mopao.engine.model.KvCache;
import io.mopao.engine.model.ModelConfig;
import io.mopao.engine.tensor.Q8Vector;
import io.mopao.engine.tensor.ScalarKernels;
import io.mopao.engine.tensor.Tensor;
import io.mopao.engine.tensor.VectorKernels;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

/**
 * CPU backend: matmuls are split over output rows across a fixed {@link WorkerPool}; attention over (token, head)
 * pairs. Kernels are the Vector API ones, or the scalar reference ones when {@code vectorized} is false.
 */
public final class CpuBackend implements Backend {
    private static final int ROW_GRAIN = 16;
    /** Multiply-adds below which a share is not worth waking another thread for (a handoff costs microseconds). */
    private static final int MIN_SHARE_WORK = 1 << 15;

    private final WorkerPool pool;
    private final boolean vectorized;
    private Q8Vector q8 = new Q8Vector(4096);
    private float[][] scores = new float[0][];

    // the current matmul, as fields so that dispatching it allocates nothing
    private Tensor mmW;
    private float[] mmX;
    private float[] mmOut;
    private int mmBatch;
    private final WorkerPool.Range matmulBody = this::matmulRows;

    private float[] atOut;
    private float[] atQ;
    private KvCache atCache;
    private int atLayer;
    private int atStart;
    private ModelConfig atConfig;
    private final WorkerPool.Range attentionBody = this::attentionRange;

    public CpuBackend(int threads, boolean vectorized) {
        this(threads, vectorized, 0);
    }

    /**
     * @param threads    matmul/attention threads including the caller's
     * @param vectorized Vector API kernels (true) or the scalar reference kernels
     * @param nice       nice value of the pool's worker threads (0: normal priority), see {@link ComputePriority}
     */
    public CpuBackend(int threads, boolean vectorized, int nice) {
        this.pool = new WorkerPool(threads, nice);
        this.vectorized = vectorized;
    }

    @Override
    public String name() {
        return "cpu(" + (vectorized ? "vector " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit" : "scalar") + ", "
                + pool.threads() + " threads)";
    }

    @Override
    public void matmul(Tensor w, float[] x, float[] out, int batch) {
        int cols = w.cols();
        if (w.usesQ8Activations()) {
            if (q8.capacity() < batch * cols) {
                q8 = new Q8Vector(batch * cols);
            }
            for (int b = 0; b < batch; b++) {
                q8.quantize(x, b * cols, cols, b * cols);
            }
        }
        mmW = w;
        mmX = x;
        mmOut = out;
        mmBatch = batch;
        try {
            // tiny matmuls (stories260K: 64 x 64) run on the calling thread; big ones split into shares of enough work
            int grain = Math.max(ROW_GRAIN, MIN_SHARE_WORK / Math.max(1, cols * batch));
            pool.parallelFor(w.rows(), grain, matmulBody);
        } finally {
            mmW = null;
            mmX = null;
            mmOut = null;
        }
    }

    private void matmulRows(int from, int to, int worker) {
        Tensor w = mmW;
        float[] x = mmX;
        float[] out = mmOut;
        int batch = mmBatch;
        int rows = w.rows();
        int n = w.cols();
        long rb = w.rowBytes();
        MemorySegment seg = w.data();
        Q8Vector a = q8;
        if (vectorized) {
            switch (w.type()) {
                case F32 -> VectorKernels.rowsF32(seg, rb, x, n, out, rows, from, to, batch);
                case F16 -> VectorKernels.rowsF16(seg, rb, x, n, out, rows, from, to, batch);
                case BF16 -> VectorKernels.rowsBF16(seg, rb, x, n, out, rows, from, to, batch);
                case Q8_0 -> VectorKernels.rowsQ80(seg, rb, a, n, out, rows, from, to, batch);
                case Q4_0 -> VectorKernels.rowsQ40(seg, rb, a, n, out, rows, from, to, batch);
                case Q4_K -> VectorKernels.rowsQ4K(seg, rb, a, n, out, rows, from, to, batch);
                case Q6_K -> VectorKernels.rowsQ6K(seg, rb, a, n, out, rows, from, to, batch);
                default -> throw new IllegalArgumentException("no CPU kernels for " + w.type() + " (tensor " + w.name() + ")");
            }
            return;
        }
        for (int r = from; r < to; r++) {
            for (int b = 0; b < batch; b++) {
                long off = r * rb;
                out[b * rows + r] = switch (w.type()) {
                    case F32 -> ScalarKernels.dotF32(seg, off, x, b * n, n);
                    case F16 -> ScalarKernels.dotF16(seg, off, x, b * n, n);
                    case BF16 -> ScalarKernels.dotBF16(seg, off, x, b * n, n);
                    case Q8_0 -> ScalarKernels.dotQ80(seg, off, a, b * n, n);
                    case Q4_0 -> ScalarKernels.dotQ40(seg, off, a, b * n, n);
                    case Q4_K -> ScalarKernels.dotQ4K(seg, off, a, b * n, n);
                    case Q6_K -> ScalarKernels.dotQ6K(seg, off, a, b * n, n);
                    default -> throw new IllegalArgumentException("no CPU kernels for " + w.type() + " (tensor " + w.name() + ")");
                };
            }
        }
    }

    @Override
    public void rmsnorm(float[] out, float[] x, float[] weight, int dim, int batch, float eps) {
        for (int b = 0; b < batch; b++) {
            int o = b * dim;
            float ss = 0;
            for (int i = 0; i < dim; i++) {
                ss += x[o + i] * x[o + i];
            }
            float scale = (float) (1.0 / Math.sqrt(ss / dim + eps));
            for (int i = 0; i < dim; i++) {
                out[o + i] = weight[i] * (scale * x[o + i]);
            }
        }
    }

    @Override
    public void addBias(float[] x, float[] bias, int batch) {
        int n = bias.length;
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                x[b * n + i] += bias[i];
            }
        }
    }

    @Override
    public void add(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            x[i] += y[i];
        }
    }

    @Override
    public void siluMul(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
        }
    }

    @Override
    public void rope(float[] x, int heads, int batch, int startPos, ModelConfig c) {
        int headDim = c.headDim();
        int half = c.ropeDim() / 2;
        float[] inv = c.ropeInvFreq();
        for (int b = 0; b < batch; b++) {
            int pos = startPos + b;
            for (int i = 0; i < half; i++) {
                double angle = pos * (double) inv[i];
                float cos = (float) Math.cos(angle);
                float sin = (float) Math.sin(angle);
                for (int h = 0; h < heads; h++) {
                    int base = (b * heads + h) * headDim;
                    int i0 = c.ropeNeox() ? base + i : base + 2 * i;
                    int i1 = c.ropeNeox() ? base + i + half : base + 2 * i + 1;
                    float v0 = x[i0];
                    float v1 = x[i1];
                    x[i0] = v0 * cos - v1 * sin;
                    x[i1] = v0 * sin + v1 * cos;
                }
            }
        }
    }

    @Override
    public void attention(float[] out, float[] q, KvCache cache, int layer, int batch, int startPos, ModelConfig config) {
        int need = startPos + batch;
        if (scores.length < pool.threads() || scores[0].length < need) {
            float[][] s = new float[pool.threads()][Math.max(need, 256)];
            scores = s;
        }
        atOut = out;
        atQ = q;
        atCache = cache;
        atLayer = layer;
        atStart = startPos;
        atConfig = config;
        try {
            // per (token, head) job: about 2 x positions x headDim multiply-adds; small contexts stay on this thread
            int perJob = 2 * need * config.headDim();
            pool.parallelFor(batch * config.heads(), Math.max(1, MIN_SHARE_WORK / perJob), attentionBody);
        } finally {
            atOut = null;
            atQ = null;
            atCache = null;
        }
    }

    private void attentionRange(int from, int to, int worker) {
        ModelConfig c = atConfig;
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        int qDim = c.qDim();
        int group = c.heads() / c.kvHeads();
        float[] keys = atCache.keys(atLayer);
        float[] values = atCache.values(atLayer);
        float[] att = scores[worker];
        float scale = (float) (1.0 / Math.sqrt(headDim));
        for (int job = from; job < to; job++) {
            int b = job / c.heads();
            int h = job % c.heads();
            int pos = atStart + b;
            int qo = b * qDim + h * headDim;
            int ko = (h / group) * headDim;
            float max = Float.NEGATIVE_INFINITY;
            for (int t = 0; t <= pos; t++) {
                int ki = t * kvDim + ko;
                float s = (vectorized ? dot(atQ, qo, keys, ki, headDim) : dotScalar(atQ, qo, keys, ki, headDim)) * scale;
                att[t] = s;
                max = Math.max(max, s);
            }
            float sum = 0;
            for (int t = 0; t <= pos; t++) {
                float e = (float) Math.exp(att[t] - max);
                att[t] = e;
                sum += e;
            }
            float inv = 1f / sum;
            int oo = b * qDim + h * headDim;
            java.util.Arrays.fill(atOut, oo, oo + headDim, 0f);
            for (int t = 0; t <= pos; t++) {
                axpy(atOut, oo, values, t * kvDim + ko, att[t] * inv, headDim);
            }
        }
    }

    private static float dotScalar(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    private static float dot(float[] a, int ao, float[] b, int bo, int n) {
        var sp = FloatVector.SPECIES_PREFERRED;
        int i = 0;
        float s = 0;
        if (n >= sp.length()) {
            FloatVector acc = FloatVector.zero(sp);
            int bound = sp.loopBound(n);
            for (; i < bound; i += sp.length()) {
                acc = FloatVector.fromArray(sp, a, ao + i).fma(FloatVector.fromArray(sp, b, bo + i), acc);
            }
            s = acc.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        }
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /** {@code y += a * x}: a product rounded, then a sum (no fused multiply-add), so the same floats as scalar code. */
    private static void axpy(float[] y, int yo, float[] x, int xo, float a, int n) {
        var sp = FloatVector.SPECIES_PREFERRED;
        int i = 0;
        int bound = sp.loopBound(n);
        if (bound > 0) {
            FloatVector av = FloatVector.broadcast(sp, a);
            for (; i < bound; i += sp.length()) {
                FloatVector.fromArray(sp, y, yo + i).add(FloatVector.fromArray(sp, x, xo + i).mul(av)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    @Override
    public void embed(Tensor table, int token, float[] out, int off) {
        table.dequantizeRow(token, out, off);
    }

    @Override
    public void close() {
        pool.close();
    }
}
