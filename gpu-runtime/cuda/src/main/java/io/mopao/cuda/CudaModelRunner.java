package io.mopao.cuda;

import io.mopao.cuda.plan.MemoryPlan;
import io.mopao.cuda.plan.StepMetadata;
import io.mopao.cuda.runtime.CudaContext;
import io.mopao.cuda.runtime.DeviceOps;
import io.mopao.cuda.runtime.DeviceWeights;
import io.mopao.cuda.select.DeviceProbe;
import io.mopao.engine.model.LayerWeights;
import io.mopao.engine.model.ModelConfig;
import io.mopao.engine.model.ModelWeights;
import io.mopao.engine.serving.kv.KvCacheConfig;
import io.mopao.engine.serving.runner.RunnerSpec;
import io.mopao.engine.serving.runner.StepRunner;
import io.mopao.engine.serving.runner.StepRunnerFactory;
import io.mopao.engine.serving.scheduler.SchedulerOutput;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The serving core's batched step on the GPU, with the contract of the CPU {@code ModelRunner.execute}: block copies,
 * one forward pass over every scheduled token of every sequence, the classifier on the last row of each sampling
 * sequence. Weights are uploaded once ({@link DeviceWeights}); the paged KV pool lives in device memory, laid out like
 * the CPU {@code PagedKvStore} ({@code [layer][keys|values][numBlocks * blockSize, kvDim]}).
 *
 * <p>Per step: the host fills one pinned metadata buffer (row tokens, positions, slots, sequence indices, last rows,
 * block tables, copy pairs), enqueues one upload of it, every kernel, and one download of the logits (or of the greedy
 * token ids), then waits once: one host-device synchronisation per step. The metadata is planned on the host by
 * {@link StepMetadata}. It is the serving {@code Engine}'s {@link StepRunner} on the GPU ({@link #factory}). Owned by the
 * inference thread.
 */
public final class CudaModelRunner implements StepRunner {
    private final ModelConfig c;
    private final ModelWeights weights;
    private final CudaContext ctx;
    private final DeviceOps ops;
    private final DeviceWeights dw;
    private final KvCacheConfig kv;
    private final MemoryPlan plan;
    private final StepMetadata meta;
    private final boolean ownsContext;
    private final long kvPool;
    private final long planeFloats;
    private final long x;
    private final long xb;
    private final long q;
    private final long att;
    private final long k;
    private final long v;
    private final long hb;
    private final long hb2;
    private final long last;
    private final long logitsDev;
    private final long tokensDev;
    private final long metaDev;
    private final long invFreq;
    private final long metaHost;
    private final long outHost;
    private final float[] logits;

    /**
     * @param ctx           the device context
     * @param config        the model's configuration
     * @param weights       its weights (uploaded here, once)
     * @param kv            the KV pool's shape (allocated here, on the device)
     * @param maxTokens     the most tokens in one step
     * @param maxSeqs       the most sequences in one step
     * @param maxPositions  the most positions of one sequence
     * @param gemmThreshold rows from which cuBLAS multiplies
     * @throws IllegalStateException when the memory plan does not fit the device's free memory
     */
    public CudaModelRunner(CudaContext ctx, ModelConfig config, ModelWeights weights, KvCacheConfig kv, int maxTokens, int maxSeqs,
                           int maxPositions, int gemmThreshold) {
        this(ctx, false, config, weights, kv, maxTokens, maxSeqs, maxPositions, gemmThreshold);
    }

    private CudaModelRunner(CudaContext ctx, boolean ownsContext, ModelConfig config, ModelWeights weights, KvCacheConfig kv,
                            int maxTokens, int maxSeqs, int maxPositions, int gemmThreshold) {
        this.ownsContext = ownsContext;
        this.c = config;
        this.weights = weights;
        this.ctx = ctx;
        this.kv = kv;
        io.mopao.cuda.kernels.LaunchGeometry.checkHeadDim(config.headDim());
        this.plan = MemoryPlan.of(config, weights, kv, maxTokens, maxSeqs, maxPositions, gemmThreshold);
        plan.checkFits(ctx.memInfo()[0]);
        this.ops = new DeviceOps(ctx, gemmThreshold);
        this.dw = DeviceWeights.upload(ctx, weights);
        this.meta = new StepMetadata(config.vocabSize(), kv.blockSize(), kv.numBlocks(), maxTokens, maxSeqs, maxPositions);
        this.planeFloats = (long) kv.numBlocks() * kv.blockSize() * c.kvDim();
        this.kvPool = ctx.malloc(MemoryPlan.kvBytes(c, kv), "KV pool");
        this.x = ctx.malloc(4L * maxTokens * c.dim(), "x");
        this.xb = ctx.malloc(4L * maxTokens * c.dim(), "xb");
        this.q = ctx.malloc(4L * maxTokens * c.qDim(), "q");
        this.att = ctx.malloc(4L * maxTokens * c.qDim(), "att");
        this.k = ctx.malloc(4L * maxTokens * c.kvDim(), "k");
        this.v = ctx.malloc(4L * maxTokens * c.kvDim(), "v");
        this.hb = ctx.malloc(4L * maxTokens * c.ffnDim(), "hb");
        this.hb2 = ctx.malloc(4L * maxTokens * c.ffnDim(), "hb2");
        this.last = ctx.malloc(4L * maxSeqs * c.dim(), "last rows");
        this.logitsDev = ctx.malloc(4L * maxSeqs * c.vocabSize(), "logits");
        this.tokensDev = ctx.malloc(4L * maxSeqs, "greedy tokens");
        this.metaDev = ctx.malloc(4L * meta.length(), "step metadata");
        this.metaHost = ctx.mallocHost(4L * meta.length());
        this.outHost = ctx.mallocHost(4L * maxSeqs * c.vocabSize());
        this.logits = new float[maxSeqs * c.vocabSize()];
        float[] inv = c.ropeInvFreq();
        this.invFreq = ctx.malloc(4L * Math.max(1, inv.length), "rope frequencies");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(4L * Math.max(1, inv.length), 16);
            MemorySegment.copy(inv, 0, s, ValueLayout.JAVA_FLOAT, 0, inv.length);
            ctx.upload(invFreq, s, 4L * inv.length);
        }
    }

    /**
     * The serving engine's runners on a CUDA device: each engine gets its own context (stream, cuBLAS handle, compiled
     * kernels) on the probed device, closed with the runner. A failure (no memory, NVRTC, ...) fails the engine's
     * construction: nothing falls back to the CPU.
     *
     * @param device        a usable device
     * @param gemmThreshold rows from which cuBLAS multiplies
     * @return the factory
     */
    public static StepRunnerFactory factory(DeviceProbe device, int gemmThreshold) {
        return spec -> open(device, spec, gemmThreshold);
    }

    private static CudaModelRunner open(DeviceProbe device, RunnerSpec spec, int gemmThreshold) {
        CudaContext ctx = CudaContext.open(device);
        try {
            return new CudaModelRunner(ctx, true, spec.config(), spec.weights(), spec.kv(), spec.maxTokens(), spec.maxSeqs(),
                    spec.maxPositions(), gemmThreshold);
        } catch (RuntimeException | Error e) {
            ctx.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "cuda(" + ctx.device().describe() + ")";
    }

    @Override
    public long kvBytes() {
        return MemoryPlan.kvBytes(c, kv);
    }

    /** @return the device memory plan this runner was sized by */
    public MemoryPlan plan() {
        return plan;
    }

    /**
     * Executes a step and returns the logits of the sampling sequences.
     *
     * @param step the scheduler's plan
     * @return logits {@code [S, vocabSize]} for the S sequences with {@code sample()} set, in plan order (owned by the
     *         runner, overwritten by the next call)
     */
    @Override
    public float[] execute(SchedulerOutput step) {
        int sampled = enqueue(step);
        if (sampled > 0) {
            long n = (long) sampled * c.vocabSize();
            ctx.downloadAsync(outHost, logitsDev, 4L * n);
            ctx.sync("step");
            ctx.getPinned(outHost, logits, (int) n);
        } else {
            ctx.sync("step");
        }
        return logits;
    }

    /**
     * Executes a step and returns greedy token ids of the sampling sequences, picked on the device (argmax; the lowest id
     * on ties), so only the ids cross back to the host.
     *
     * @param step the scheduler's plan
     * @return one token id per sampling sequence, in plan order
     */
    public int[] executeGreedy(SchedulerOutput step) {
        int sampled = enqueue(step);
        int[] ids = new int[sampled];
        if (sampled > 0) {
            ops.argmax(logitsDev, c.vocabSize(), sampled, tokensDev);
            ctx.downloadAsync(outHost, tokensDev, 4L * sampled);
        }
        ctx.sync("step");
        if (sampled > 0) {
            ctx.getPinned(outHost, ids, sampled);
        }
        return ids;
    }

    /** Fills and uploads the metadata, enqueues copies, the forward pass and the classifier; returns the sampling count. */
    private int enqueue(SchedulerOutput step) {
        ctx.bindCurrentThread();
        StepMetadata.Step planned = meta.fill(step);
        // the one upload of the step
        int ints = meta.uploadInts(planned);
        ctx.putPinned(metaHost, meta.buffer(), ints);
        ctx.uploadAsync(metaDev, metaHost, 4L * ints);
        if (planned.copies() > 0) {
            ops.copyBlocks(kvPool, metaDev + 4L * meta.copyPairs(), planned.copies(), planeFloats, kv.blockSize() * c.kvDim(),
                    2 * c.layers());
        }
        if (planned.rows() > 0) {
            forward(planned.rows());
        }
        int sampled = planned.sampled();
        if (sampled > 0) {
            // 11. final norm of each sampling sequence's last row and the classifier, batched
            ops.gatherRows(last, x, metaDev + 4L * meta.lastRows(), c.dim(), sampled);
            ops.rmsnorm(last, last, dw.address(weights.outputNorm()), c.dim(), sampled, c.normEps());
            ops.matmul(weights.output(), dw.address(weights.output()), last, logitsDev, sampled);
        }
        return sampled;
    }

    private void forward(int n) {
        int dim = c.dim();
        long pos = metaDev + 4L * meta.positions();
        // 1. token embeddings: x[t] = E[token_t]
        ops.embed(weights.tokenEmbedding(), dw.address(weights.tokenEmbedding()), metaDev + 4L * meta.tokens(), x, n);
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights w = weights.layers().get(l);
            // 2. attention input norm
            ops.rmsnorm(xb, x, dw.address(w.attnNorm()), dim, n, c.normEps());
            // 3. projections of all rows at once (+ biases)
            ops.matmul(w.wq(), dw.address(w.wq()), xb, q, n);
            ops.matmul(w.wk(), dw.address(w.wk()), xb, k, n);
            ops.matmul(w.wv(), dw.address(w.wv()), xb, v, n);
            if (w.bq() != null) {
                ops.addBias(q, dw.address(w.bq()), c.qDim(), n);
                ops.addBias(k, dw.address(w.bk()), c.kvDim(), n);
                ops.addBias(v, dw.address(w.bv()), c.kvDim(), n);
            }
            // 4. rotary embedding, each row at its own position
            ops.rope(q, pos, 0, invFreq, c.heads(), n, c);
            ops.rope(k, pos, 0, invFreq, c.kvHeads(), n, c);
            // 5. k and v of every row into its slot of the paged cache (before any row attends)
            long keys = kvPool + 4L * planeFloats * (2L * l);
            long values = kvPool + 4L * planeFloats * (2L * l + 1);
            ops.kvWrite(keys, values, k, v, metaDev + 4L * meta.slots(), c.kvDim(), n);
            // 6. causal attention of each row over its own sequence's blocks
            ops.attention(att, q, keys, values, pos, metaDev + 4L * meta.seqIndex(), metaDev + 4L * meta.tables(), meta.tableWidth(),
                    kv.blockSize(), n, c);
            // 7. output projection and residual
            ops.matmul(w.wo(), dw.address(w.wo()), att, xb, n);
            ops.add(x, xb, n * dim);
            // 8. feed-forward input norm
            ops.rmsnorm(xb, x, dw.address(w.ffnNorm()), dim, n, c.normEps());
            // 9. SwiGLU
            ops.matmul(w.wGate(), dw.address(w.wGate()), xb, hb, n);
            ops.matmul(w.wUp(), dw.address(w.wUp()), xb, hb2, n);
            ops.siluMul(hb, hb2, n * c.ffnDim());
            // 10. down projection and residual
            ops.matmul(w.wDown(), dw.address(w.wDown()), hb, xb, n);
            ops.add(x, xb, n * dim);
        }
    }

    /** Waits for the stream; closes the context (and so frees the device memory) when the runner opened it ({@link #factory}). */
    @Override
    public void close() {
        if (ownsContext) {
            ctx.close();
        } else {
            ctx.bindCurrentThread();
            ctx.sync("close");
        }
    }
}
