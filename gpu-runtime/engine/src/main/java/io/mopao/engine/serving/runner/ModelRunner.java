package io.mopao.engine.serving.runner;

import io.mopao.engine.cpu.RotaryEmbedding;
import io.mopao.engine.cpu.WorkerPool;
import io.mopao.engine.model.Backend;
import io.mopao.engine.model.LayerWeights;
import io.mopao.engine.model.ModelConfig;
import io.mopao.engine.model.ModelWeights;
import io.mopao.engine.serving.kv.BlockCopy;
import io.mopao.engine.serving.scheduler.SchedulerOutput;

/**
 * Runs one scheduler step as one forward pass over every scheduled token of every sequence: the tokens are stacked
 * into one {@code [T, dim]} activation matrix and every weight matrix multiplies all of them in one backend call (the
 * CPU backend walks weight rows outermost, so each row is read from memory once per step and reused from cache for
 * every token of the batch); attention reads each sequence's own KV through its block table ({@link PagedKvStore}).
 * Then the classifier runs on the last row of each sequence that samples. Every row goes through the same operations
 * as in {@code Model.forward}, and no row's arithmetic depends on the other rows, so a sequence's logits do not depend
 * on whether it runs alone, batched, chunked or from cached KV. (The backend's vector matmul kernels sum lanes with
 * {@code reduceLanes}, whose order changes once the JIT compiles them: logits can move by an ulp between a cold and a
 * warm JVM, never with the batch; attention, here and in {@code Model.forward} alike, is the CPU
 * {@link io.mopao.engine.cpu.AttentionHead}, which sums lanes in a fixed order.) Owned by the inference thread.
 */
public final class ModelRunner implements StepRunner {
    private final ModelConfig c;
    private final ModelWeights weights;
    private final Backend be;
    private final PagedKvStore store;
    private final WorkerPool pool;
    private final PagedAttention attention;

    /** residual stream: {@code [maxTokens, dim]}. */
    private final float[] x;
    /** normalised input / projection output: {@code [maxTokens, dim]}. */
    private final float[] xb;
    /** queries: {@code [maxTokens, qDim]}. */
    private final float[] q;
    /** attention output: {@code [maxTokens, qDim]}. */
    private final float[] att;
    /** keys of the step's tokens: {@code [maxTokens, kvDim]}. */
    private final float[] k;
    /** values of the step's tokens: {@code [maxTokens, kvDim]}. */
    private final float[] v;
    /** SwiGLU gate: {@code [maxTokens, ffnDim]}. */
    private final float[] hb;
    /** SwiGLU up: {@code [maxTokens, ffnDim]}. */
    private final float[] hb2;
    /** last rows of the sampling sequences: {@code [maxSeqs, dim]}. */
    private final float[] last;
    /** logits of the sampling sequences: {@code [maxSeqs, vocabSize]}. */
    private final float[] logits;
    /** per row: token, position, slot, sequence index; per sequence: block table. */
    private final StepRows rows;

    /**
     * @param config        the model's configuration
     * @param weights       its weights
     * @param backend       the backend that runs the matrix operations (the model's)
     * @param store         the KV pool memory
     * @param maxTokens     the most tokens in one step (the scheduler's token budget)
     * @param maxSeqs       the most sequences in one step
     * @param maxPositions  the most positions of one sequence
     * @param threads       attention worker threads
     * @param vectorized    Vector API attention (true) or the scalar reference (false), as the backend's
     */
    public ModelRunner(ModelConfig config, ModelWeights weights, Backend backend, PagedKvStore store, int maxTokens, int maxSeqs,
                       int maxPositions, int threads, boolean vectorized) {
        this(config, weights, backend, store, maxTokens, maxSeqs, maxPositions, threads, vectorized, 0);
    }

    /**
     * As above, with the attention threads at nice value {@code nice} (0: normal priority).
     */
    public ModelRunner(ModelConfig config, ModelWeights weights, Backend backend, PagedKvStore store, int maxTokens, int maxSeqs,
                       int maxPositions, int threads, boolean vectorized, int nice) {
        this.c = config;
        this.weights = weights;
        this.be = backend;
        this.store = store;
        this.pool = new WorkerPool(threads, nice);
        this.attention = new PagedAttention(config, pool, vectorized, maxPositions);
        int dim = c.dim();
        this.x = new float[maxTokens * dim];
        this.xb = new float[maxTokens * dim];
        this.q = new float[maxTokens * c.qDim()];
        this.att = new float[maxTokens * c.qDim()];
        this.k = new float[maxTokens * c.kvDim()];
        this.v = new float[maxTokens * c.kvDim()];
        this.hb = new float[maxTokens * c.ffnDim()];
        this.hb2 = new float[maxTokens * c.ffnDim()];
        this.last = new float[maxSeqs * dim];
        this.logits = new float[maxSeqs * c.vocabSize()];
        this.rows = new StepRows(c.vocabSize(), store.blockSize(), maxTokens, maxSeqs, maxPositions);
    }

    public PagedKvStore store() {
        return store;
    }

    @Override
    public String name() {
        return be.name();
    }

    @Override
    public long kvBytes() {
        return store.bytes();
    }

    /**
     * Executes a step: its rows planned and checked ({@link StepRows}, as the CUDA runner's), block copies, then one
     * forward pass over all scheduled tokens.
     *
     * @param step the scheduler's plan
     * @return logits {@code [S, vocabSize]} for the S sequences with {@code sample()} set, in plan order (owned by
     *         the runner, overwritten by the next call)
     * @throws IllegalArgumentException when the plan exceeds the runner's sizes or names a token outside the vocabulary
     *                                  (nothing ran)
     */
    @Override
    public float[] execute(SchedulerOutput step) {
        // the plan is checked before anything runs: a refused step leaves the KV pool as it was
        int n = rows.plan(step);
        for (BlockCopy copy : step.copies()) {
            store.copyBlock(copy.src(), copy.dst());
        }
        if (n == 0) {
            return logits;
        }
        forward(n);
        // 11. final norm of each sampling sequence's last row and the classifier, batched
        int dim = c.dim();
        int sampled = rows.sampled();
        int[] lastRows = rows.lastRows();
        for (int s = 0; s < sampled; s++) {
            System.arraycopy(x, lastRows[s] * dim, last, s * dim, dim);
        }
        if (sampled > 0) {
            be.rmsnorm(last, last, weights.outputNorm(), dim, sampled, c.normEps());
            be.matmul(weights.output(), last, logits, sampled);
        }
        return logits;
    }

    private void forward(int n) {
        int dim = c.dim();
        int kvDim = c.kvDim();
        int[] rowToken = rows.tokens();
        int[] rowSlot = rows.slots();
        // 1. token embeddings: x[t] = E[token_t]
        for (int t = 0; t < n; t++) {
            be.embed(weights.tokenEmbedding(), rowToken[t], x, t * dim);
        }
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights w = weights.layers().get(l);
            // 2. attention input norm: xb = rmsnorm(x) * attn_norm
            be.rmsnorm(xb, x, w.attnNorm(), dim, n, c.normEps());
            // 3. projections for all rows of all sequences at once: q = Wq xb (+bq), k = Wk xb (+bk), v = Wv xb (+bv)
            be.matmul(w.wq(), xb, q, n);
            be.matmul(w.wk(), xb, k, n);
            be.matmul(w.wv(), xb, v, n);
            if (w.bq() != null) {
                be.addBias(q, w.bq(), n);
                be.addBias(k, w.bk(), n);
                be.addBias(v, w.bv(), n);
            }
            // 4. rotary position embedding, each row at its own position
            rope(q, c.heads(), n);
            rope(k, c.kvHeads(), n);
            // 5. write k and v of every row into its slot of the paged cache (before any row attends)
            float[] keys = store.keys(l);
            float[] values = store.values(l);
            for (int t = 0; t < n; t++) {
                System.arraycopy(k, t * kvDim, keys, rowSlot[t] * kvDim, kvDim);
                System.arraycopy(v, t * kvDim, values, rowSlot[t] * kvDim, kvDim);
            }
            // 6. causal attention of each row over its own sequence's blocks
            attention.run(att, q, store, l, n, rows.positions(), rows.seqIndex(), rows.tables());
            // 7. output projection and residual: x += Wo att
            be.matmul(w.wo(), att, xb, n);
            be.add(x, xb, n * dim);
            // 8. feed-forward input norm: xb = rmsnorm(x) * ffn_norm
            be.rmsnorm(xb, x, w.ffnNorm(), dim, n, c.normEps());
            // 9. SwiGLU: hb = silu(Wgate xb) * (Wup xb)
            be.matmul(w.wGate(), xb, hb, n);
            be.matmul(w.wUp(), xb, hb2, n);
            be.siluMul(hb, hb2, n * c.ffnDim());
            // 10. down projection and residual: x += Wdown hb
            be.matmul(w.wDown(), hb, xb, n);
            be.add(x, xb, n * dim);
        }
    }

    /** The CPU backend's rotary embedding, with a position per row. */
    private void rope(float[] m, int heads, int n) {
        int[] rowPos = rows.positions();
        for (int b = 0; b < n; b++) {
            RotaryEmbedding.rotate(m, b, heads, rowPos[b], c);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
