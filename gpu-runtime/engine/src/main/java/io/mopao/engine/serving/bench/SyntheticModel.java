package io.mopao.engine.serving.bench;

import io.mopao.engine.gguf.GgmlType;
import io.mopao.engine.gguf.GgufWriter;

import java.nio.file.Path;

/**
 * Writes a GGUF decoder with random weights, for serving tests and benchmarks (no tokenizer: token ids only).
 *
 * @param arch     {@code llama} or {@code qwen2} (Q/K/V biases)
 * @param type     weight type of the matrices (norms stay F32)
 * @param dim      model width
 * @param layers   blocks
 * @param heads    query heads
 * @param kvHeads  key/value heads
 * @param ffn      feed-forward width
 * @param vocab    vocabulary size
 * @param context  context length
 * @param seed     random seed
 */
public record SyntheticModel(String arch, GgmlType type, int dim, int layers, int heads, int kvHeads, int ffn, int vocab, int context,
                             long seed) {

    /** A tiny llama for unit tests: 2 layers of width 64, GQA 4/2, vocabulary 64, context 256. */
    public static SyntheticModel tiny() {
        return new SyntheticModel("llama", GgmlType.F32, 64, 2, 4, 2, 128, 64, 256, 7);
    }

    /** About 125M parameters (12 layers of width 768, GQA 12/4, vocabulary 32000, context 2048), F32. */
    public static SyntheticModel m100() {
        return new SyntheticModel("llama", GgmlType.F32, 768, 12, 12, 4, 2048, 32000, 2048, 1);
    }

    /**
     * @param value weight type of the matrices
     * @return a copy with it
     */
    public SyntheticModel withType(GgmlType value) {
        return new SyntheticModel(arch, value, dim, layers, heads, kvHeads, ffn, vocab, context, seed);
    }

    /**
     * @param value architecture
     * @return a copy with it
     */
    public SyntheticModel withArch(String value) {
        return new SyntheticModel(value, type, dim, layers, heads, kvHeads, ffn, vocab, context, seed);
    }

    /** @return parameters */
    public long parameters() {
        long headDim = dim / heads;
        long perLayer = 2L * dim * dim + 2L * dim * kvHeads * headDim + 3L * dim * ffn + 2L * dim;
        return layers * perLayer + 2L * vocab * dim + dim;
    }

    /**
     * @param path where to write
     * @return the path
     */
    public Path write(Path path) {
        int headDim = dim / heads;
        int kvDim = kvHeads * headDim;
        String p = arch + ".";
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", arch);
        w.putString("general.name", "synthetic-" + arch + "-" + dim + "x" + layers + "-" + seed);
        w.putUInt32(p + "context_length", context);
        w.putUInt32(p + "embedding_length", dim);
        w.putUInt32(p + "block_count", layers);
        w.putUInt32(p + "feed_forward_length", ffn);
        w.putUInt32(p + "attention.head_count", heads);
        w.putUInt32(p + "attention.head_count_kv", kvHeads);
        w.putFloat32(p + "attention.layer_norm_rms_epsilon", 1e-5f);
        w.putFloat32(p + "rope.freq_base", 10000f);
        Rng rng = new Rng(seed);
        float std = (float) (1 / Math.sqrt(dim));
        w.addTensor("token_embd.weight", type, rng.fill(vocab * dim, 1f), dim, vocab);
        for (int l = 0; l < layers; l++) {
            String b = "blk." + l + ".";
            w.addTensor(b + "attn_norm.weight", GgmlType.F32, rng.around1(dim), dim);
            w.addTensor(b + "attn_q.weight", type, rng.fill(dim * dim, std), dim, dim);
            w.addTensor(b + "attn_k.weight", type, rng.fill(kvDim * dim, std), dim, kvDim);
            w.addTensor(b + "attn_v.weight", type, rng.fill(kvDim * dim, std), dim, kvDim);
            if (arch.equals("qwen2")) {
                w.addTensor(b + "attn_q.bias", GgmlType.F32, rng.fill(dim, 0.2f), dim);
                w.addTensor(b + "attn_k.bias", GgmlType.F32, rng.fill(kvDim, 0.2f), kvDim);
                w.addTensor(b + "attn_v.bias", GgmlType.F32, rng.fill(kvDim, 0.2f), kvDim);
            }
            w.addTensor(b + "attn_output.weight", type, rng.fill(dim * dim, std), dim, dim);
            w.addTensor(b + "ffn_norm.weight", GgmlType.F32, rng.around1(dim), dim);
            w.addTensor(b + "ffn_gate.weight", type, rng.fill(ffn * dim, std), dim, ffn);
            w.addTensor(b + "ffn_up.weight", type, rng.fill(ffn * dim, std), dim, ffn);
            w.addTensor(b + "ffn_down.weight", type, rng.fill(dim * ffn, (float) (1 / Math.sqrt(ffn))), ffn, dim);
        }
        w.addTensor("output_norm.weight", GgmlType.F32, rng.around1(dim), dim);
        w.addTensor("output.weight", type, rng.fill(vocab * dim, std * 4), dim, vocab);
        w.write(path);
        return path;
    }

    /** xorshift64* uniform values with a given standard deviation. */
    private static final class Rng {
        private long s;

        Rng(long seed) {
            s = seed * 0x9E3779B97F4A7C15L + 1;
        }

        float next() {
            s ^= s >>> 12;
            s ^= s << 25;
            s ^= s >>> 27;
            long r = s * 0x2545F4914F6CDD1DL;
            return (r >>> 40) * 0x1p-24f - 0.5f;
        }

        float[] fill(int n, float std) {
            float[] v = new float[n];
            float k = std * (float) Math.sqrt(12);
            for (int i = 0; i < n; i++) {
                v[i] = next() * k;
            }
            return v;
        }

        float[] around1(int n) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = 1f + 0.4f * next();
            }
            return v;
        }
    }
}
