package io.mopao.engine.model;

import io.mopao.engine.gguf.GgmlType;
import io.mopao.engine.gguf.GgufException;
import io.mopao.engine.gguf.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole forward pass, for every tensor type and both architectures, against a float64 reference. */
class ForwardReferenceTest {
    private static final int[] TOKENS = {1, 17, 42, 5, 88, 3, 64, 9, 33, 21, 70};

    @TempDir
    Path dir;

    /**
     * Relative L2 error bound of the logits. The reference uses the same dequantised weights and, for int8 kernels,
     * the same rounding of activations to int8 per block of 32, so what remains is float32 arithmetic; for the int8
     * types an activation that rounds the other way in float32 than in float64 moves by one quantum (0.4% of its
     * block's maximum) and such flips compound over the layers of a random model, so their bound is looser (without
     * modelling the activation rounding the error is 3-5%). The kernels themselves are bounded tightly in
     * {@code KernelTest}.
     */
    static double bound(GgmlType type) {
        return switch (type) {
            case F32, F16, BF16 -> 1e-4;
            case Q8_0, Q4_0, Q4_K, Q6_K -> 2.5e-2;
            default -> throw new IllegalArgumentException();
        };
    }

    static Stream<Arguments> models() {
        List<Arguments> out = new ArrayList<>();
        for (String arch : List.of("llama", "qwen2")) {
            for (GgmlType t : List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K,
                    GgmlType.Q6_K)) {
                for (boolean tied : List.of(true, false)) {
                    out.add(Arguments.of(arch, t, tied));
                }
            }
        }
        return out.stream();
    }

    static double relativeError(float[] got, double[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.length; i++) {
            num += (got[i] - ref[i]) * (got[i] - ref[i]);
            den += ref[i] * ref[i];
        }
        return Math.sqrt(num / den);
    }

    @ParameterizedTest(name = "{0} {1} tied={2}")
    @MethodSource("models")
    void forwardMatchesFloat64Reference(String arch, GgmlType type, boolean tied) {
        Path file = TinyModels.write(dir.resolve("m.gguf"), TinyModels.Spec.of(arch, type, tied));
        // the scalar reference kernels are checked on one architecture (they are slower)
        for (boolean vectorized : arch.equals("llama") ? List.of(true, false) : List.of(true)) {
            try (Model m = Model.load(file, new ModelOptions(2, 0, 4, vectorized))) {
                assertEquals(arch, m.config().architecture());
                assertEquals(tied, m.weights().tiedOutput());
                ReferenceTransformer ref = new ReferenceTransformer(m, null);
                State s = m.newState();
                // prefill the first 7 tokens in chunks of 4, then one token at a time
                float[] logits = m.forward(s, 0, java.util.Arrays.copyOf(TOKENS, 7));
                double err = relativeError(logits, ref.logits(java.util.Arrays.copyOf(TOKENS, 7)));
                assertTrue(err < bound(type), "prefill relative error " + err + " (vectorized=" + vectorized + ")");
                for (int p = 7; p < 9; p++) {
                    logits = m.forward(s, p, TOKENS[p]);
                    err = relativeError(logits, ref.logits(java.util.Arrays.copyOf(TOKENS, p + 1)));
                    assertTrue(err < bound(type), "step " + p + " relative error " + err + " (vectorized=" + vectorized + ")");
                }
            }
        }
    }

    @Test
    void llama3RopeFrequencyFactorsAreApplied() {
        Path file = TinyModels.write(dir.resolve("r.gguf"), new TinyModels.Spec("llama", GgmlType.F32, false, 500_000f, true));
        float[] factors = new float[TinyModels.DIM / TinyModels.HEADS / 2];
        for (int i = 0; i < factors.length; i++) {
            factors[i] = 1f + i * 0.25f;
        }
        try (Model m = Model.load(file, new ModelOptions(1, 0, 8, true))) {
            double[] want = new ReferenceTransformer(m, factors).logits(TOKENS);
            double[] unscaled = new ReferenceTransformer(m, null).logits(TOKENS);
            float[] got = m.forward(m.newState(), 0, TOKENS);
            assertTrue(relativeError(got, want) < 1e-4, "error vs scaled reference " + relativeError(got, want));
            assertTrue(relativeError(got, unscaled) > 1e-3, "factors made no difference");
        }
    }

    @Test
    void prefillInOneChunkEqualsTokenByToken() {
        Path file = TinyModels.write(dir.resolve("c.gguf"), TinyModels.Spec.of("llama", GgmlType.Q8_0, false));
        try (Model chunked = Model.load(file, new ModelOptions(2, 0, 16, true));
             Model single = Model.load(file, new ModelOptions(1, 0, 1, true))) {
            float[] a = chunked.forward(chunked.newState(), 0, TOKENS).clone();
            float[] b = single.forward(single.newState(), 0, TOKENS);
            for (int i = 0; i < a.length; i++) {
                assertEquals(b[i], a[i], 1e-4f * (1 + Math.abs(b[i])));
            }
        }
    }

    @Test
    void tiedModelSharesTheEmbeddingTensor() {
        Path tiedFile = TinyModels.write(dir.resolve("t.gguf"), TinyModels.Spec.of("llama", GgmlType.F32, true));
        try (Model m = Model.load(tiedFile, ModelOptions.defaults())) {
            assertSame(m.weights().tokenEmbedding(), m.weights().output());
        }
        Path untied = TinyModels.write(dir.resolve("u.gguf"), TinyModels.Spec.of("llama", GgmlType.F32, false));
        try (Model m = Model.load(untied, ModelOptions.defaults())) {
            assertNotSame(m.weights().tokenEmbedding(), m.weights().output());
        }
    }

    @Test
    void rejectsUnknownArchitecture() {
        Path file = dir.resolve("a.gguf");
        new GgufWriter().putString("general.architecture", "mamba").write(file);
        GgufException e = assertThrows(GgufException.class, () -> Model.load(file, ModelOptions.defaults()));
        assertEquals("unsupported model architecture 'mamba' (supported: llama, qwen2)", e.getMessage());
    }

    /** A one-layer llama (dim 32, 4 heads, ffn 64) with its token embedding (10 tokens) and no other tensor yet. */
    private static GgufWriter oneLayerLlamaWithEmbedding() {
        GgufWriter w = new GgufWriter().putString("general.architecture", "llama").putUInt32("llama.embedding_length", 32)
                .putUInt32("llama.block_count", 1).putUInt32("llama.feed_forward_length", 64).putUInt32("llama.attention.head_count", 4);
        w.addTensor("token_embd.weight", GgmlType.F32, new float[32 * 10], 32, 10);
        return w;
    }

    @Test
    void rejectsTensorWithWrongShape() {
        Path file = dir.resolve("s.gguf");
        GgufWriter w = oneLayerLlamaWithEmbedding();
        w.addTensor("blk.0.attn_norm.weight", GgmlType.F32, new float[32], 32);
        w.addTensor("blk.0.attn_q.weight", GgmlType.F32, new float[32 * 16], 32, 16);
        w.write(file);
        GgufException e = assertThrows(GgufException.class, () -> Model.load(file, ModelOptions.defaults()));
        assertEquals("invalid model: tensor 'blk.0.attn_q.weight' has shape [32, 16] but the config needs [32, 32]", e.getMessage());
    }

    @Test
    void rejectsMissingTensor() {
        Path file = dir.resolve("t.gguf");
        GgufWriter w = oneLayerLlamaWithEmbedding();
        w.write(file);
        GgufException e = assertThrows(GgufException.class, () -> Model.load(file, ModelOptions.defaults()));
        assertEquals("invalid model: tensor 'blk.0.attn_norm.weight' is missing", e.getMessage());
    }

    @Test
    void forwardRejectsPositionsBeyondTheState() {
        Path file = TinyModels.write(dir.resolve("p.gguf"), TinyModels.Spec.of("llama", GgmlType.F32, true));
        try (Model m = Model.load(file, ModelOptions.defaults().withMaxContext(8))) {
            State s = m.newState();
            assertEquals(8, s.capacity());
            assertThrows(IllegalArgumentException.class, () -> m.forward(s, 0, TOKENS));
            assertThrows(IllegalArgumentException.class, () -> m.forward(s, 0, 1000));
        }
    }
}
