package io.mopao.engine.model;

import io.mopao.engine.cpu.CpuBackend;
import io.mopao.engine.gguf.GgufException;
import io.mopao.engine.gguf.GgufFile;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A loaded model: configuration, weights (memory-mapped) and the backend that runs them. Sequences live in
 * {@link State}s from {@link #newState()}. One inference thread at a time calls {@link #forward}.
 */
public final class Model implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Model.class.getName());

    private final GgufFile file;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Backend backend;
    private final ModelOptions options;

    Model(GgufFile file, ModelConfig config, ModelWeights weights, Backend backend, ModelOptions options) {
        this.file = file;
        this.config = config;
        this.weights = weights;
        this.backend = backend;
        this.options = options;
    }

    /** Maps a GGUF file and prepares the CPU backend; throws {@link GgufException} with a one-line reason on bad input. */
    public static Model load(Path path, ModelOptions options) {
        GgufFile file = GgufFile.open(path);
        try {
            ModelConfig config = ModelLoader.config(file);
            ModelWeights weights = ModelLoader.weights(file, config);
            Backend backend = new CpuBackend(options.threads(), options.vectorized(), options.computeNice());
            LOG.log(System.Logger.Level.INFO, "loaded {0}: {1}, backend {2}", path.getFileName(), config, backend.name());
            return new Model(file, config, weights, backend, options);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** @return the options this model was loaded with */
    public ModelOptions options() {
        return options;
    }

    public ModelConfig config() {
        return config;
    }

    public ModelWeights weights() {
        return weights;
    }

    /** All GGUF metadata (for the tokenizer and chat template). */
    public Map<String, Object> metadata() {
        return file.metadata();
    }

    public Backend backend() {
        return backend;
    }

    /** A fresh sequence holding up to {@code maxContext} positions (the model's context length by default). */
    public State newState() {
        int cap = options.maxContext() > 0 ? Math.min(options.maxContext(), config.contextLength()) : config.contextLength();
        return new State(config, cap, options.chunkSize());
    }

    /**
     * Runs {@code tokens} through the model, the first at {@code position} (the number of tokens already in the
     * state), in chunks of at most the state's chunk size; returns the logits after the last token
     * ({@code [vocabSize]}, owned by the state, overwritten by the next call).
     */
    public float[] forward(State state, int position, int... tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("no tokens");
        }
        if (position < 0 || position + tokens.length > state.capacity()) {
            throw new IllegalArgumentException("positions " + position + ".." + (position + tokens.length) + " exceed the state's capacity "
                    + state.capacity());
        }
        for (int t : tokens) {
            if (t < 0 || t >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + t + " is outside the vocabulary of " + config.vocabSize());
            }
        }
        for (int start = 0; start < tokens.length; start += state.chunk) {
            int n = Math.min(state.chunk, tokens.length - start);
            forwardChunk(state, Arrays.copyOfRange(tokens, start, start + n), position + start);
        }
        return state.logits;
    }

    private void forwardChunk(State s, int[] tokens, int pos) {
        ModelConfig c = config;
        Backend be = backend;
        int n = tokens.length;
        int dim = c.dim();
        int kvDim = c.kvDim();
        // 1. token embeddings: x[t] = E[token_t]
        for (int t = 0; t < n; t++) {
            be.embed(weights.tokenEmbedding(), tokens[t], s.x, t * dim);
        }
        for (int l = 0; l < c.layers(); l++) {
            LayerWeights w = weights.layers().get(l);
            // 2. attention input norm: xb = rmsnorm(x) * attn_norm
            be.rmsnorm(s.xb, s.x, w.attnNorm(), dim, n, c.normEps());
            // 3. projections: q = Wq xb (+bq), k = Wk xb (+bk), v = Wv xb (+bv)
            be.matmul(w.wq(), s.xb, s.q, n);
            be.matmul(w.wk(), s.xb, s.k, n);
            be.matmul(w.wv(), s.xb, s.v, n);
            if (w.bq() != null) {
                be.addBias(s.q, w.bq(), n);
                be.addBias(s.k, w.bk(), n);
                be.addBias(s.v, w.bv(), n);
            }
            // 4. rotary position embedding of q and k at positions pos..pos+n-1
            be.rope(s.q, c.heads(), n, pos, c);
            be.rope(s.k, c.kvHeads(), n, pos, c);
            // 5. append k and v to this layer's cache
            System.arraycopy(s.k, 0, s.cache.keys(l), pos * kvDim, n * kvDim);
            System.arraycopy(s.v, 0, s.cache.values(l), pos * kvDim, n * kvDim);
            // 6. causal grouped-query attention: att = softmax(q k^T / sqrt(headDim)) v
            be.attention(s.att, s.q, s.cache, l, n, pos, c);
            // 7. output projection and residual: x += Wo att
            be.matmul(w.wo(), s.att, s.xb, n);
            be.add(s.x, s.xb, n * dim);
            // 8. feed-forward input norm: xb = rmsnorm(x) * ffn_norm
            be.rmsnorm(s.xb, s.x, w.ffnNorm(), dim, n, c.normEps());
            // 9. SwiGLU: hb = silu(Wgate xb) * (Wup xb)
            be.matmul(w.wGate(), s.xb, s.hb, n);
            be.matmul(w.wUp(), s.xb, s.hb2, n);
            be.siluMul(s.hb, s.hb2, n * c.ffnDim());
            // 10. down projection and residual: x += Wdown hb
            be.matmul(w.wDown(), s.hb, s.xb, n);
            be.add(s.x, s.xb, n * dim);
        }
        // 11. final norm of the last token and classifier: logits = Wout rmsnorm(x_last)
        System.arraycopy(s.x, (n - 1) * dim, s.last, 0, dim);
        be.rmsnorm(s.last, s.last, weights.outputNorm(), dim, 1, c.normEps());
        be.matmul(weights.output(), s.last, s.logits, 1);
    }

    @Override
    public void close() {
        backend.close();
        file.close();
    }
}
