package io.mopao.engine.model;

import io.mopao.engine.gguf.GgufException;
import io.mopao.engine.gguf.GgufFile;
import io.mopao.engine.gguf.GgufTensorInfo;
import io.mopao.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds {@link ModelConfig} and {@link ModelWeights} from GGUF metadata and tensors, validating every shape. */
final class ModelLoader {
    private ModelLoader() {
    }

    static ModelConfig config(GgufFile f) {
        String arch = f.getString("general.architecture");
        boolean qwen2 = arch.equals("qwen2");
        if (!arch.equals("llama") && !qwen2) {
            throw new GgufException("unsupported model architecture '" + arch + "' (supported: llama, qwen2)");
        }
        String p = arch + ".";
        int dim = positive(f, p + "embedding_length", -1);
        int layers = positive(f, p + "block_count", -1);
        int heads = positive(f, p + "attention.head_count", -1);
        int kvHeads = positive(f, p + "attention.head_count_kv", heads);
        int ffn = positive(f, p + "feed_forward_length", -1);
        int headDim = positive(f, p + "attention.key_length", dim / heads);
        int ctx = positive(f, p + "context_length", 2048);
        int ropeDim = positive(f, p + "rope.dimension_count", headDim);
        if (heads % kvHeads != 0) {
            throw new GgufException("invalid model: " + heads + " attention heads are not a multiple of " + kvHeads + " KV heads");
        }
        if (ropeDim > headDim || ropeDim % 2 != 0) {
            throw new GgufException("invalid model: rope.dimension_count " + ropeDim + " for head size " + headDim);
        }
        float eps = (float) f.getDouble(p + "attention.layer_norm_rms_epsilon", 1e-5);
        float theta = (float) f.getDouble(p + "rope.freq_base", 10000.0);
        GgufTensorInfo emb = require(f, "token_embd.weight");
        if (emb.rows() > Integer.MAX_VALUE) {
            throw new GgufException("invalid model: vocabulary of " + emb.rows() + " tokens");
        }
        int vocab = (int) emb.rows();
        float[] inv = new float[ropeDim / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = (float) Math.pow(theta, -2.0 * i / ropeDim);
        }
        applyRopeScaling(f, p, inv);
        return new ModelConfig(arch, dim, layers, heads, kvHeads, headDim, ffn, vocab, ctx, eps, theta, ropeDim, qwen2, inv, qwen2);
    }

    /** Llama-3 style frequency scaling: per-pair divisors from {@code rope_freqs.weight}, or computed from metadata. */
    private static void applyRopeScaling(GgufFile f, String p, float[] inv) {
        GgufTensorInfo factors = f.tensor("rope_freqs.weight");
        if (factors != null) {
            if (factors.elementCount() != inv.length) {
                throw new GgufException("invalid model: rope_freqs.weight has " + factors.elementCount() + " values, expected "
                        + inv.length);
            }
            float[] div = tensor(f, factors, 1, inv.length).toFloatArray();
            for (int i = 0; i < inv.length; i++) {
                inv[i] /= div[i];
            }
            return;
        }
        Object type = f.metadata().get(p + "rope.scaling.type");
        double factor = f.getDouble(p + "rope.scaling.factor", 1.0);
        if ("linear".equals(type) && factor > 0) {
            for (int i = 0; i < inv.length; i++) {
                inv[i] /= (float) factor;
            }
        } else if ("llama3".equals(type) && factor > 0) {
            double low = f.getDouble(p + "rope.scaling.low_freq_factor", 1.0);
            double high = f.getDouble(p + "rope.scaling.high_freq_factor", 4.0);
            double orig = f.getDouble(p + "rope.scaling.original_context_length", 8192);
            for (int i = 0; i < inv.length; i++) {
                double wavelen = 2 * Math.PI / inv[i];
                if (wavelen > orig / low) {
                    inv[i] = (float) (inv[i] / factor);
                } else if (wavelen >= orig / high) {
                    double smooth = (orig / wavelen - low) / (high - low);
                    inv[i] = (float) ((1 - smooth) * inv[i] / factor + smooth * inv[i]);
                }
            }
        } else if (type != null && !"none".equals(type)) {
            throw new GgufException("unsupported rope scaling type '" + type + "'");
        }
    }

    static ModelWeights weights(GgufFile f, ModelConfig c) {
        int dim = c.dim();
        List<LayerWeights> layers = new ArrayList<>(c.layers());
        for (int l = 0; l < c.layers(); l++) {
            String b = "blk." + l + ".";
            layers.add(new LayerWeights(
                    vector(f, b + "attn_norm.weight", dim),
                    matrix(f, b + "attn_q.weight", c.qDim(), dim),
                    matrix(f, b + "attn_k.weight", c.kvDim(), dim),
                    matrix(f, b + "attn_v.weight", c.kvDim(), dim),
                    c.qkvBias() ? vector(f, b + "attn_q.bias", c.qDim()) : null,
                    c.qkvBias() ? vector(f, b + "attn_k.bias", c.kvDim()) : null,
                    c.qkvBias() ? vector(f, b + "attn_v.bias", c.kvDim()) : null,
                    matrix(f, b + "attn_output.weight", dim, c.qDim()),
                    vector(f, b + "ffn_norm.weight", dim),
                    matrix(f, b + "ffn_gate.weight", c.ffnDim(), dim),
                    matrix(f, b + "ffn_up.weight", c.ffnDim(), dim),
                    matrix(f, b + "ffn_down.weight", dim, c.ffnDim())));
        }
        Tensor emb = matrix(f, "token_embd.weight", c.vocabSize(), dim);
        Tensor out = f.tensor("output.weight") == null ? emb : matrix(f, "output.weight", c.vocabSize(), dim);
        return new ModelWeights(emb, List.copyOf(layers), vector(f, "output_norm.weight", dim), out);
    }

    private static int positive(GgufFile f, String key, int defaultValue) {
        long v = defaultValue < 0 ? f.getLong(key) : f.getLong(key, defaultValue);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new GgufException("invalid model: metadata '" + key + "' is " + v);
        }
        return (int) v;
    }

    private static GgufTensorInfo require(GgufFile f, String name) {
        GgufTensorInfo t = f.tensor(name);
        if (t == null) {
            throw new GgufException("invalid model: tensor '" + name + "' is missing");
        }
        return t;
    }

    private static Tensor matrix(GgufFile f, String name, int rows, int cols) {
        GgufTensorInfo t = require(f, name);
        long[] want = {cols, rows};
        if (!Arrays.equals(t.dims(), want)) {
            throw new GgufException("invalid model: tensor '" + name + "' has shape " + Arrays.toString(t.dims()) + " but the config needs "
                    + Arrays.toString(want));
        }
        if (!t.type().hasKernels()) {
            throw new GgufException("unsupported tensor type " + t.type() + " for '" + name
                    + "' (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)");
        }
        return tensor(f, t, rows, cols);
    }

    private static float[] vector(GgufFile f, String name, int n) {
        GgufTensorInfo t = require(f, name);
        if (t.elementCount() != n) {
            throw new GgufException("invalid model: tensor '" + name + "' has " + t.elementCount() + " values but the config needs " + n);
        }
        if (!t.type().hasKernels()) {
            throw new GgufException("unsupported tensor type " + t.type() + " for '" + name + "'");
        }
        return tensor(f, t, 1, n).toFloatArray();
    }

    private static Tensor tensor(GgufFile f, GgufTensorInfo t, int rows, int cols) {
        return new Tensor(t.name(), t.type(), rows, cols, f.tensorData(t));
    }
}
