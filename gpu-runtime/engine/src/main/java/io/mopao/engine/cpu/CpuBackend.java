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
 * pairs, each an {@link AttentionHead} (the serving runner's paged attention runs the same). Kernels are the Vector API
 * ones, or the scalar reference ones when {@code vectorized} is false.
 */
public final class CpuBackend implements Backend {
    private static final int ROW_GRAIN = 16;
    /** Multiply-adds below which a share is not worth waking another thread for (a handoff costs microseconds). */
    private static final int MIN_SHARE_WORK = 1 << 15;

    private final WorkerPool pool;
    private final boolean vectorized;
    private Q8Vector q8 = new Q8Vector(4096);
    /** per worker thread: its attention scratch. */
    private final AttentionHead[] attentionHeads;

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
        this.attentionHeads = new AttentionHead[pool.threads()];
        for (int i = 0; i < attentionHeads.length; i++) {
            attentionHeads[i] = new AttentionHead(vectorized, 256);
        }
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
        for (int b = 0; b < batch; b++) {
            RotaryEmbedding.rotate(x, b, heads, startPos + b, c);
        }
    }

    @Override
    public void attention(float[] out, float[] q, KvCache cache, int layer, int batch, int startPos, ModelConfig config) {
        int need = startPos + batch;
        for (AttentionHead head : attentionHeads) {
            head.reserve(need);
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
        AttentionHead head = attentionHeads[worker];
        for (int job = from; job < to; job++) {
            int b = job / c.heads();
            int h = job % c.heads();
            int qo = b * qDim + h * headDim;
            head.attend(atOut, qo, atQ, qo, keys, values, kvDim, (h / group) * headDim, headDim, atStart + b, null, 1);
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
