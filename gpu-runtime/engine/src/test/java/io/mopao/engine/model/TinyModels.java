package io.mopao.engine.model;

import io.mopao.engine.gguf.GgmlType;
import io.mopao.engine.gguf.GgufWriter;

import java.nio.file.Path;
import java.util.Random;

/** Builds small random GGUF models for tests. */
public final class TinyModels {
    public static final int DIM = 256;
    public static final int HEADS = 4;
    public static final int KV_HEADS = 2;
    public static final int FFN = 512;
    public static final int VOCAB = 96;
    public static final int LAYERS = 2;
    public static final int CONTEXT = 64;

    private TinyModels() {
    }

    /** Options for one tiny model. */
    public record Spec(String arch, GgmlType type, boolean tied, float ropeTheta, boolean llama3RopeFactors) {
        public static Spec of(String arch, GgmlType type, boolean tied) {
            return new Spec(arch, type, tied, arch.equals("qwen2") ? 1_000_000f : 10_000f, false);
        }
    }

    public static Path write(Path file, Spec spec) {
        Random rnd = new Random(spec.hashCode());
        String p = spec.arch() + ".";
        GgufWriter w = new GgufWriter();
        w.putString("general.architecture", spec.arch());
        w.putUInt32(p + "context_length", CONTEXT);
        w.putUInt32(p + "embedding_length", DIM);
        w.putUInt32(p + "block_count", LAYERS);
        w.putUInt32(p + "feed_forward_length", FFN);
        w.putUInt32(p + "attention.head_count", HEADS);
        w.putUInt32(p + "attention.head_count_kv", KV_HEADS);
        w.putFloat32(p + "attention.layer_norm_rms_epsilon", 1e-6f);
        w.putFloat32(p + "rope.freq_base", spec.ropeTheta());
        int headDim = DIM / HEADS;
        int kvDim = KV_HEADS * headDim;
        w.addTensor("token_embd.weight", spec.type(), random(rnd, VOCAB * DIM, 1f), DIM, VOCAB);
        if (spec.llama3RopeFactors()) {
            float[] f = new float[headDim / 2];
            for (int i = 0; i < f.length; i++) {
                f[i] = 1f + i * 0.25f;
            }
            w.addTensor("rope_freqs.weight", GgmlType.F32, f, f.length);
        }
        for (int l = 0; l < LAYERS; l++) {
            String b = "blk." + l + ".";
            w.addTensor(b + "attn_norm.weight", GgmlType.F32, norm(rnd, DIM), DIM);
            w.addTensor(b + "attn_q.weight", spec.type(), random(rnd, DIM * DIM, 0.1f), DIM, DIM);
            w.addTensor(b + "attn_k.weight", spec.type(), random(rnd, kvDim * DIM, 0.1f), DIM, kvDim);
            w.addTensor(b + "attn_v.weight", spec.type(), random(rnd, kvDim * DIM, 0.1f), DIM, kvDim);
            if (spec.arch().equals("qwen2")) {
                w.addTensor(b + "attn_q.bias", GgmlType.F32, random(rnd, DIM, 0.5f), DIM);
                w.addTensor(b + "attn_k.bias", GgmlType.F32, random(rnd, kvDim, 0.5f), kvDim);
                w.addTensor(b + "attn_v.bias", GgmlType.F32, random(rnd, kvDim, 0.5f), kvDim);
            }
            w.addTensor(b + "attn_output.weight", spec.type(), random(rnd, DIM * DIM, 0.1f), DIM, DIM);
            w.addTensor(b + "ffn_norm.weight", GgmlType.F32, norm(rnd, DIM), DIM);
            w.addTensor(b + "ffn_gate.weight", spec.type(), random(rnd, FFN * DIM, 0.1f), DIM, FFN);
            w.addTensor(b + "ffn_up.weight", spec.type(), random(rnd, FFN * DIM, 0.1f), DIM, FFN);
            w.addTensor(b + "ffn_down.weight", spec.type(), random(rnd, DIM * FFN, 0.1f), FFN, DIM);
        }
        w.addTensor("output_norm.weight", GgmlType.F32, norm(rnd, DIM), DIM);
        if (!spec.tied()) {
            w.addTensor("output.weight", spec.type(), random(rnd, VOCAB * DIM, 0.1f), DIM, VOCAB);
        }
        w.write(file);
        return file;
    }

    static float[] random(Random rnd, int n, float std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian() * std;
        }
        return v;
    }

    private static float[] norm(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1f + 0.2f * (float) rnd.nextGaussian();
        }
        return v;
    }
}
