package io.mopao.engine.cli;

import io.mopao.engine.gguf.GgmlType;
import io.mopao.engine.gguf.GgufWriter;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code random-model}: writes a Llama-architecture GGUF with random weights, for benchmarks. Every 2-D tensor gets
 * {@code --type}; norms stay F32. Includes a byte-level vocabulary so tokenizer code can load it.
 */
final class RandomModelCommand {
    static final String USAGE = "random-model --out PATH [--type F32|F16|BF16|Q8_0|Q4_0|Q4_K|Q6_K] [--dim 768] [--layers 12] [--heads 12]"
            + " [--kv-heads 12] [--ffn 2048] [--vocab 32000] [--context 2048] [--tied] [--seed S]";

    private RandomModelCommand() {
    }

    static int run(List<String> argv, PrintStream out) {
        Args a = Args.parse(argv, Set.of("--out", "--type", "--dim", "--layers", "--heads", "--kv-heads", "--ffn", "--vocab", "--context",
                "--seed"), Set.of("--tied"));
        Path path = Path.of(a.string("--out"));
        GgmlType type;
        try {
            type = GgmlType.valueOf(a.string("--type", "F32").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("unknown --type " + a.string("--type"));
        }
        int dim = a.integer("--dim", 768, 1);
        int layers = a.integer("--layers", 12, 1);
        int heads = a.integer("--heads", 12, 1);
        int kvHeads = a.integer("--kv-heads", heads, 1);
        int ffn = a.integer("--ffn", 2048, 1);
        int vocab = a.integer("--vocab", 32000, 1);
        int ctx = a.integer("--context", 2048, 1);
        long seed = a.longValue("--seed", 1);
        int headDim = dim / heads;
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", "llama");
        w.putString("general.name", "random-llama-" + type);
        w.putUInt32("llama.context_length", ctx);
        w.putUInt32("llama.embedding_length", dim);
        w.putUInt32("llama.block_count", layers);
        w.putUInt32("llama.feed_forward_length", ffn);
        w.putUInt32("llama.attention.head_count", heads);
        w.putUInt32("llama.attention.head_count_kv", kvHeads);
        w.putUInt32("llama.rope.dimension_count", headDim);
        w.putFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
        w.putFloat32("llama.rope.freq_base", 10000f);
        w.putString("tokenizer.ggml.model", "llama");
        List<String> tokens = new ArrayList<>(vocab);
        List<Object> scores = new ArrayList<>(vocab);
        List<Object> types = new ArrayList<>(vocab);
        for (int i = 0; i < vocab; i++) {
            String t = i == 0 ? "<unk>" : i == 1 ? "<s>" : i == 2 ? "</s>"
                    : i < 259 ? String.format(Locale.ROOT, "<0x%02X>", i - 3) : "tok" + i;
            tokens.add(t);
            scores.add((float) -i);
            types.add((long) (i < 3 ? (i == 0 ? 2 : 3) : i < 259 ? 6 : 1));
        }
        w.putStringArray("tokenizer.ggml.tokens", tokens);
        w.putArray("tokenizer.ggml.scores", io.mopao.engine.gguf.GgufValueType.FLOAT32, scores);
        w.putArray("tokenizer.ggml.token_type", io.mopao.engine.gguf.GgufValueType.INT32, types);
        w.putUInt32("tokenizer.ggml.bos_token_id", 1);
        w.putUInt32("tokenizer.ggml.eos_token_id", 2);
        Rng rng = new Rng(seed);
        float std = (float) (1 / Math.sqrt(dim));
        w.addTensor("token_embd.weight", type, rng.fill(vocab * dim, std), dim, vocab);
        for (int l = 0; l < layers; l++) {
            String b = "blk." + l + ".";
            w.addTensor(b + "attn_norm.weight", GgmlType.F32, ones(dim), dim);
            w.addTensor(b + "attn_q.weight", type, rng.fill(dim * dim, std), dim, heads * headDim);
            w.addTensor(b + "attn_k.weight", type, rng.fill(kvHeads * headDim * dim, std), dim, kvHeads * headDim);
            w.addTensor(b + "attn_v.weight", type, rng.fill(kvHeads * headDim * dim, std), dim, kvHeads * headDim);
            w.addTensor(b + "attn_output.weight", type, rng.fill(dim * heads * headDim, std), heads * headDim, dim);
            w.addTensor(b + "ffn_norm.weight", GgmlType.F32, ones(dim), dim);
            w.addTensor(b + "ffn_gate.weight", type, rng.fill(ffn * dim, std), dim, ffn);
            w.addTensor(b + "ffn_up.weight", type, rng.fill(ffn * dim, std), dim, ffn);
            w.addTensor(b + "ffn_down.weight", type, rng.fill(dim * ffn, (float) (1 / Math.sqrt(ffn))), ffn, dim);
        }
        w.addTensor("output_norm.weight", GgmlType.F32, ones(dim), dim);
        if (!a.flag("--tied")) {
            w.addTensor("output.weight", type, rng.fill(vocab * dim, std), dim, vocab);
        }
        w.write(path);
        out.println("wrote " + path);
        return 0;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }

    /** xorshift64* uniform values scaled to a given standard deviation (fast; quality is irrelevant here). */
    private static final class Rng {
        private long s;

        Rng(long seed) {
            s = seed * 0x9E3779B97F4A7C15L + 1;
        }

        float[] fill(int n, float std) {
            float[] v = new float[n];
            float k = std * (float) Math.sqrt(3) * 2;
            for (int i = 0; i < n; i++) {
                s ^= s >>> 12;
                s ^= s << 25;
                s ^= s >>> 27;
                long r = s * 0x2545F4914F6CDD1DL;
                v[i] = ((r >>> 40) * 0x1p-24f - 0.5f) * k;
            }
            return v;
        }
    }
}
