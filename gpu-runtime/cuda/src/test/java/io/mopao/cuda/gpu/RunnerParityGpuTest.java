package io.mopao.cuda.gpu;

import io.mopao.cuda.CudaModelRunner;
import io.mopao.cuda.runtime.CudaContext;
import io.mopao.cuda.select.DeviceProbe;
import io.mopao.engine.gguf.GgmlType;
import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.sampling.Sampler;
import io.mopao.engine.serving.bench.SyntheticModel;
import io.mopao.engine.serving.kv.KvCacheConfig;
import io.mopao.engine.serving.runner.ModelRunner;
import io.mopao.engine.serving.runner.PagedKvStore;
import io.mopao.engine.serving.scheduler.ScheduledSequence;
import io.mopao.engine.serving.scheduler.SchedulerOutput;
import io.mopao.engine.serving.scheduler.Sequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole-model greedy parity of the GPU step ({@link CudaModelRunner}) with the CPU serving step ({@link ModelRunner}):
 * four sequences with different prompt lengths, prefilled together (the prefill attention kernel and cuBLAS above the
 * GEMM threshold) and then decoded together (the decode kernel and the fused matrix-vector kernels). Float models
 * (F32, F16) must produce the same tokens and logits within 1e-3 of the logits' RMS; quantised models must agree on the
 * first step's logits within 5e-2 of their RMS (the CPU multiplies int8-quantised activations).
 */
class RunnerParityGpuTest {
    private static final int STEPS = 24;

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"llama,F32", "llama,F16", "qwen2,F32", "llama,Q8_0", "llama,Q4_0", "qwen2,Q4_K", "llama,Q6_K"})
    void generatedModelsDecodeLikeTheCpu(String arch, GgmlType type) {
        DeviceProbe p = Gpu.require();
        int dim = type == GgmlType.Q4_K || type == GgmlType.Q6_K ? 256 : 128;
        SyntheticModel spec = new SyntheticModel(arch, type, dim, 2, 4, 2, 2 * dim, 256, 512, 5);
        boolean exact = type == GgmlType.F32 || type == GgmlType.F16;
        compare(p, spec.write(dir.resolve(arch + type + ".gguf")), exact);
    }

    @Test
    void stories260kDecodesLikeTheCpu() {
        DeviceProbe p = Gpu.require();
        Path model = Gpu.stories260k();
        compare(p, model, true);
    }

    private static void compare(DeviceProbe p, Path file, boolean exact) {
        try (Model m = Model.load(file, ModelOptions.defaults().withThreads(2).withVectorized(false));
             CudaContext ctx = CudaContext.open(p)) {
            int maxPos = 128;
            KvCacheConfig kv = KvCacheConfig.ofTokens(4L * 128, 16, false);
            PagedKvStore store = new PagedKvStore(kv, m.config().layers(), m.config().kvDim());
            try (ModelRunner cpu = new ModelRunner(m.config(), m.weights(), m.backend(), store, 256, 4, maxPos, 2, false);
                 CudaModelRunner gpu = new CudaModelRunner(ctx, m.config(), m.weights(), kv, 256, 4, maxPos, 64)) {
                int vocab = m.config().vocabSize();
                List<Sequence> a = sequences(vocab);
                List<Sequence> b = sequences(vocab);
                for (int step = 0; step <= STEPS; step++) {
                    float[] lc = cpu.execute(plan(a, step)).clone();
                    float[] lg = gpu.execute(plan(b, step)).clone();
                    double rms = 0;
                    for (int i = 0; i < 4 * vocab; i++) {
                        rms += lc[i] * lc[i];
                    }
                    rms = Math.sqrt(rms / (4 * vocab));
                    double bound = (exact ? 1e-3 : 5e-2) * rms;
                    for (int i = 0; i < 4 * vocab; i++) {
                        final int at = i;
                        final int s = step;
                        assertTrue(Math.abs(lc[i] - lg[i]) <= bound, () -> file.getFileName() + " step " + s + " logit " + at + ": cpu "
                                + lc[at] + " gpu " + lg[at]);
                    }
                    if (!exact) {
                        return;
                    }
                    for (int s = 0; s < 4; s++) {
                        int tc = Sampler.argmax(lc, s * vocab, vocab);
                        int tg = Sampler.argmax(lg, s * vocab, vocab);
                        assertEquals(tc, tg, file.getFileName() + " step " + step + " sequence " + s);
                        a.get(s).append(tc);
                        b.get(s).append(tg);
                    }
                }
                for (int s = 0; s < 4; s++) {
                    assertArrayEquals(a.get(s).outputTokens(), b.get(s).outputTokens());
                }
            }
        }
    }

    private static List<Sequence> sequences(int vocab) {
        List<Sequence> l = new ArrayList<>();
        int[] lengths = {1, 5, 17, 40};
        for (int s = 0; s < 4; s++) {
            int[] prompt = new int[lengths[s]];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = (1 + 13 * s + 7 * i) % vocab;
            }
            l.add(new Sequence(s, prompt, STEPS + 2, 0, Long.MAX_VALUE));
        }
        return l;
    }

    /** Step 0 prefills every prompt; later steps decode one token each. Sequence s owns blocks s*8 .. s*8+7. */
    private static SchedulerOutput plan(List<Sequence> seqs, int step) {
        List<ScheduledSequence> out = new ArrayList<>();
        for (int s = 0; s < seqs.size(); s++) {
            Sequence q = seqs.get(s);
            int[] table = new int[8];
            for (int i = 0; i < 8; i++) {
                table[i] = s * 8 + i;
            }
            out.add(step == 0 ? new ScheduledSequence(q, 0, q.numTokens(), table, true)
                    : new ScheduledSequence(q, q.numTokens() - 1, 1, table, true));
        }
        return new SchedulerOutput(out, List.of(), List.of(), List.of());
    }
}
