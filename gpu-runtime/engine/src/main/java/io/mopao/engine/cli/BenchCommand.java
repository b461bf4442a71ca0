package io.mopao.engine.cli;

import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.model.State;
import io.mopao.engine.sampling.Sampler;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * {@code bench}: prompt processing (one prefill of N tokens) and generation (greedy, one token per step) speed,
 * each the median over repeats after one warm-up run.
 */
final class BenchCommand {
    static final String USAGE = "bench --model PATH [--threads N] [--prompt-tokens N] [--gen-tokens N] [--repeats R] [--json]";

    private BenchCommand() {
    }

    static int run(List<String> argv, PrintStream out) {
        Args a = Args.parse(argv, Set.of("--model", "--threads", "--prompt-tokens", "--gen-tokens", "--repeats", "--chunk"),
                Set.of("--json"));
        Path path = Path.of(a.string("--model"));
        int threads = a.integer("--threads", Runtime.getRuntime().availableProcessors(), 1);
        int promptTokens = a.integer("--prompt-tokens", 128, 1);
        int genTokens = a.integer("--gen-tokens", 64, 1);
        int repeats = a.integer("--repeats", 3, 1);
        int chunk = a.integer("--chunk", 32, 1);
        try (Model model = Model.load(path, ModelOptions.defaults().withThreads(threads).withChunkSize(chunk)
                .withMaxContext(promptTokens + genTokens + 1))) {
            if (promptTokens + genTokens > model.config().contextLength()) {
                throw new Args.UsageException("--prompt-tokens + --gen-tokens exceed the model's context of "
                        + model.config().contextLength());
            }
            int[] prompt = new Random(42).ints(promptTokens, 0, model.config().vocabSize()).toArray();
            double[] pp = new double[repeats];
            double[] tg = new double[repeats];
            for (int r = -1; r < repeats; r++) {
                State state = model.newState();
                long t0 = System.nanoTime();
                float[] logits = model.forward(state, 0, prompt);
                long t1 = System.nanoTime();
                int pos = promptTokens;
                for (int i = 0; i < genTokens; i++) {
                    logits = model.forward(state, pos++, Sampler.argmax(logits, 0, logits.length));
                }
                long t2 = System.nanoTime();
                if (r >= 0) {
                    pp[r] = promptTokens / ((t1 - t0) / 1e9);
                    tg[r] = genTokens / ((t2 - t1) / 1e9);
                }
            }
            double ppMedian = median(pp);
            double tgMedian = median(tg);
            if (a.flag("--json")) {
                out.println(new Json().put("model", path.getFileName().toString()).put("threads", threads)
                        .put("prompt_tokens", promptTokens).put("gen_tokens", genTokens).put("repeats", repeats)
                        .put("prompt_tokens_per_s", ppMedian).put("gen_tokens_per_s", tgMedian));
            } else {
                out.printf(Locale.ROOT, "%s threads=%d: prompt %d tokens %.1f tok/s, generation %d tokens %.1f tok/s (median of %d)%n",
                        path.getFileName(), threads, promptTokens, ppMedian, genTokens, tgMedian, repeats);
            }
        }
        return 0;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
