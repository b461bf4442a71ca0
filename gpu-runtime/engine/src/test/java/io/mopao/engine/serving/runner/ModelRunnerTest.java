package io.mopao.engine.serving.runner;

import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.model.State;
import io.mopao.engine.sampling.Sampler;
import io.mopao.engine.serving.bench.SyntheticModel;
import io.mopao.engine.serving.kv.BlockCopy;
import io.mopao.engine.serving.kv.KvCacheConfig;
import io.mopao.engine.serving.kv.KvCacheManager;
import io.mopao.engine.serving.scheduler.ScheduledSequence;
import io.mopao.engine.serving.scheduler.Scheduler;
import io.mopao.engine.serving.scheduler.SchedulerConfig;
import io.mopao.engine.serving.scheduler.SchedulerOutput;
import io.mopao.engine.serving.scheduler.Sequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One batched, paged, chunked forward pass per step gives every sequence the logits that {@code Model.forward} gives
 * it alone with a contiguous cache (to float rounding: the backend's vector reductions change order once JIT-compiled,
 * so the two paths agree to about an ulp, and on every argmax).
 */
class ModelRunnerTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "qwen2"})
    void batchedPagedStepsMatchModelForward(String arch, @TempDir Path dir) {
        Path file = SyntheticModel.tiny().withArch(arch).write(dir.resolve("tiny.gguf"));
        try (Model model = Model.load(file, ModelOptions.defaults().withThreads(2))) {
            KvCacheManager kv = new KvCacheManager(new KvCacheConfig(4, 64, true), "tiny");
            Scheduler scheduler = new Scheduler(new SchedulerConfig(16, 8, 256), kv, System::nanoTime);
            PagedKvStore store = new PagedKvStore(kv.config(), model.config().layers(), model.config().kvDim());
            int[] shared = IntStream.range(0, 12).map(i -> (i * 7 + 3) % 64).toArray();
            List<int[]> prompts = List.of(
                    IntStream.range(0, 23).map(i -> (i * 5 + 1) % 64).toArray(),
                    concat(IntStream.range(0, 23).map(i -> (i * 5 + 1) % 64).limit(12).toArray(), 9, 8, 7, 6, 5, 4, 3, 2, 1),
                    new int[] {1, 2, 3, 4, 5},
                    concat(shared, 40),
                    concat(shared, 41, 42));
            Map<Sequence, State> refs = new HashMap<>();
            Map<Sequence, Integer> refPos = new HashMap<>();
            for (int i = 0; i < prompts.size(); i++) {
                Sequence s = new Sequence(i, prompts.get(i), 8, 0, Long.MAX_VALUE);
                scheduler.add(s);
                refs.put(s, model.newState());
                refPos.put(s, 0);
            }
            int vocab = model.config().vocabSize();
            int maxBatch = 0;
            try (ModelRunner runner = new ModelRunner(model.config(), model.weights(), model.backend(), store, 16, 8, 256, 2, true)) {
                while (!scheduler.isIdle()) {
                    SchedulerOutput out = scheduler.schedule();
                    maxBatch = Math.max(maxBatch, out.scheduled().size());
                    float[] logits = runner.execute(out);
                    int row = 0;
                    for (ScheduledSequence ss : out.scheduled()) {
                        if (!ss.sample()) {
                            continue;
                        }
                        Sequence seq = ss.seq();
                        float[] mine = Arrays.copyOfRange(logits, row * vocab, (row + 1) * vocab);
                        row++;
                        int pos = refPos.get(seq);
                        float[] expected = model.forward(refs.get(seq), pos, Arrays.copyOfRange(seq.tokens(), pos, seq.numTokens()));
                        refPos.put(seq, seq.numTokens());
                        String what = "logits of sequence " + seq.id() + " at " + seq.numTokens() + " tokens";
                        for (int v = 0; v < vocab; v++) {
                            assertEquals(expected[v], mine[v], 1e-4f * Math.max(1f, Math.abs(expected[v])), what);
                        }
                        assertEquals(argmax(expected), argmax(mine), what);
                        seq.append(argmax(mine));
                        if (seq.numOutputTokens() == seq.maxNewTokens()) {
                            scheduler.finish(seq);
                        }
                    }
                }
            }
            assertTrue(maxBatch >= 4, "sequences ran batched");
            assertTrue(scheduler.cachedPromptTokens() > 0, "some prompts reused cached blocks");
            assertEquals(64, kv.pool().freeCount());
        }
    }

    /** The plan is checked before anything runs: a refused step does not copy blocks or write KV. */
    @Test
    void aRefusedStepChangesNoKv(@TempDir Path dir) {
        Path file = SyntheticModel.tiny().write(dir.resolve("tiny.gguf"));
        try (Model model = Model.load(file, ModelOptions.defaults().withThreads(1))) {
            int vocab = model.config().vocabSize();
            PagedKvStore store = new PagedKvStore(new KvCacheConfig(4, 8, true), model.config().layers(), model.config().kvDim());
            Arrays.fill(store.keys(0), 0, 4 * model.config().kvDim(), 1f);
            try (ModelRunner runner = new ModelRunner(model.config(), model.weights(), model.backend(), store, 16, 4, 32, 1, true)) {
                Sequence good = new Sequence(1, new int[] {1, 2, 3}, 4, 0, Long.MAX_VALUE);
                Sequence bad = new Sequence(2, new int[] {1, vocab}, 4, 0, Long.MAX_VALUE);
                SchedulerOutput step = new SchedulerOutput(List.of(new ScheduledSequence(good, 0, 3, new int[] {2}, true),
                        new ScheduledSequence(bad, 0, 2, new int[] {3}, true)), List.of(new BlockCopy(0, 1)), List.of(), List.of());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> runner.execute(step));
                assertEquals("token id " + vocab + " is outside the vocabulary of " + vocab, e.getMessage());
                float[] untouched = new float[store.keys(0).length];
                Arrays.fill(untouched, 0, 4 * model.config().kvDim(), 1f);
                for (int l = 0; l < store.layers(); l++) {
                    assertArrayEquals(l == 0 ? untouched : new float[untouched.length], store.keys(l),
                            "keys of layer " + l);
                }
            }
        }
    }

    static int argmax(float[] v) {
        return Sampler.argmax(v, 0, v.length);
    }

    private static int[] concat(int[] a, int... b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
