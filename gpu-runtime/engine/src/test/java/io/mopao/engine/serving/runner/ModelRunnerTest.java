package io.mopao.engine.serving.runner;

import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.model.State;
import io.mopao.engine.serving.bench.SyntheticModel;
import io.mopao.engine.serving.kv.KvCacheConfig;
import io.mopao.engine.serving.kv.KvCacheManager;
import io.mopao.engine.serving.scheduler.ScheduledSequence;
import io.mopao.engine.serving.scheduler.Scheduler;
import io.mopao.engine.serving.scheduler.SchedulerConfig;
import io.mopao.engine.serving.scheduler.SchedulerOutput;
import io.mopao.engine.serving.scheduler.Sequence;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int[] concat(int[] a, int... b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
