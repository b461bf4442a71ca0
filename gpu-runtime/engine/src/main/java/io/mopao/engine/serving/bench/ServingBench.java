package io.mopao.engine.serving.bench;

import io.mopao.engine.gguf.GgmlType;
import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.sampling.SamplingParams;
import io.mopao.engine.serving.Completion;
import io.mopao.engine.serving.Engine;
import io.mopao.engine.serving.EngineConfig;
import io.mopao.engine.serving.EngineStats;
import io.mopao.engine.serving.GenerationRequest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Serving benchmarks, printed as Markdown: (a) aggregate generation throughput at 1, 4 and 16 concurrent sequences;
 * (b) a multi-turn role-play replay (sessions sharing persona prefixes, each turn sent when the previous reply is
 * done) with the prefix cache on, and the same replay on fewer sessions with the cache on and off for time to first
 * token. Every number is measured on this run.
 * <pre>
 * java --add-modules jdk.incubator.vector -cp target/classes io.mopao.engine.serving.bench.ServingBench \
 *     --model m100.gguf [--generate [--type F32|Q8_0]] [--threads 2] [--gen 48] [--sessions 32] [--turns 6] [--personas 4]
 *     [--persona-tokens 500] [--user-tokens 24] [--reply-tokens 16] [--compare-sessions 4] [--skip-throughput]
 *     [--skip-replay] [--skip-main-replay]
 * </pre>
 */
public final class ServingBench {
    private final Model model;
    private final int threads;
    private final int vocab;

    private ServingBench(Model model, int threads) {
        this.model = model;
        this.threads = threads;
        this.vocab = model.config().vocabSize();
    }

    public static void main(String[] argv) throws Exception {
        List<String> args = Arrays.asList(argv);
        Path path = Path.of(opt(args, "--model", "target/bench/m100.gguf"));
        if (!Files.isRegularFile(path)) {
            if (!args.contains("--generate")) {
                throw new IllegalArgumentException(path + " does not exist (add --generate to write a synthetic ~125M model there)");
            }
            Files.createDirectories(path.toAbsolutePath().getParent());
            SyntheticModel m = SyntheticModel.m100().withType(GgmlType.valueOf(opt(args, "--type", "F32")));
            System.err.printf(Locale.ROOT, "writing %s (%,d parameters, %s)%n", path, m.parameters(), m.type());
            m.write(path);
        }
        int threads = Integer.parseInt(opt(args, "--threads", String.valueOf(Runtime.getRuntime().availableProcessors())));
        try (Model model = Model.load(path, ModelOptions.defaults().withThreads(threads))) {
            ServingBench b = new ServingBench(model, threads);
            System.out.printf(Locale.ROOT, "model: %s (%s), %d threads%n%n", path.getFileName(), model.config(), threads);
            if (!args.contains("--skip-throughput")) {
                b.throughput(Integer.parseInt(opt(args, "--gen", "48")));
            }
            if (!args.contains("--skip-replay")) {
                Replay r = new Replay(Integer.parseInt(opt(args, "--sessions", "32")), Integer.parseInt(opt(args, "--turns", "6")),
                        Integer.parseInt(opt(args, "--personas", "4")), Integer.parseInt(opt(args, "--persona-tokens", "500")),
                        Integer.parseInt(opt(args, "--user-tokens", "24")), Integer.parseInt(opt(args, "--reply-tokens", "16")));
                b.replay(r, Integer.parseInt(opt(args, "--compare-sessions", "4")), !args.contains("--skip-main-replay"));
            }
        }
    }

    private static String opt(List<String> args, String name, String def) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : def;
    }

    private EngineConfig config(boolean prefixCaching) {
        return EngineConfig.defaults().withKvCacheTokens(16384).withBatch(512, 16).withPrefixCaching(prefixCaching).withThreads(threads);
    }

    private int[] randomTokens(SplittableRandom rnd, int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = 3 + rnd.nextInt(vocab - 3);
        }
        return t;
    }

    // ---- (a) throughput ----

    private void throughput(int gen) {
        SplittableRandom rnd = new SplittableRandom(42);
        try (Engine engine = new Engine(model, null, config(false))) {
            runBatch(engine, rnd, 4, 8); // warm-up (JIT)
            System.out.println("| concurrent sequences | generated tokens | wall s | aggregate tokens/s | vs 1 sequence |");
            System.out.println("|---:|---:|---:|---:|---:|");
            double single = 0;
            for (int c : new int[] {1, 4, 16}) {
                long t0 = System.nanoTime();
                int tokens = runBatch(engine, rnd, c, gen);
                double s = (System.nanoTime() - t0) / 1e9;
                double rate = tokens / s;
                if (c == 1) {
                    single = rate;
                }
                System.out.printf(Locale.ROOT, "| %d | %d | %.2f | %.1f | %.2fx |%n", c, tokens, s, rate, rate / single);
            }
            System.out.println();
        }
    }

    private int runBatch(Engine engine, SplittableRandom rnd, int c, int gen) {
        List<CompletableFuture<Completion>> fs = new ArrayList<>();
        for (int i = 0; i < c; i++) {
            fs.add(engine.submit(GenerationRequest.ofTokens("t" + i, randomTokens(rnd, 16),
                    SamplingParams.greedy().withMaxTokens(gen).withIgnoreEos(true))).completion());
        }
        int n = 0;
        for (CompletableFuture<Completion> f : fs) {
            n += f.join().tokens().length;
        }
        return n;
    }

    // ---- (b) multi-turn replay ----

    /** Shape of a replay. */
    private record Replay(int sessions, int turns, int personas, int personaTokens, int userTokens, int replyTokens) {
        Replay withSessions(int n) {
            return new Replay(n, turns, personas, personaTokens, userTokens, replyTokens);
        }
    }

    /** What a replay measured. */
    private record ReplayResult(EngineStats stats, double seconds, List<Long> laterTurnTtft, List<Long> firstTurnTtft, long promptTokens) {
    }

    private void replay(Replay r, int compareSessions, boolean main) {
        System.out.printf(Locale.ROOT, "Replay: %d turns per session, sessions round-robin over %d personas of %d tokens, %d-token user"
                        + " turns, %d-token greedy replies, 16 sequences per step; each session sends its next turn (persona + history +"
                        + " new user turn) when its reply is done.%n%n", r.turns(), r.personas(), r.personaTokens(), r.userTokens(),
                r.replyTokens());
        System.out.println("| run | prompt tokens | served from cache | hit ratio | TTFT turn 1 median ms | TTFT turns >= 2 median ms"
                + " | TTFT turns >= 2 mean ms | wall s |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        if (main) {
            row(r.sessions() + " sessions, cache on", runReplay(r, true));
        }
        Replay small = r.withSessions(compareSessions);
        ReplayResult smallOn = runReplay(small, true);
        ReplayResult smallOff = runReplay(small, false);
        row(compareSessions + " sessions, cache on", smallOn);
        row(compareSessions + " sessions, cache off", smallOff);
        System.out.println();
        System.out.printf(Locale.ROOT, "TTFT on turns >= 2, cache on / off (%d sessions): median %.3f, mean %.3f%n", compareSessions,
                median(smallOn.laterTurnTtft()) / median(smallOff.laterTurnTtft()),
                mean(smallOn.laterTurnTtft()) / mean(smallOff.laterTurnTtft()));
    }

    private static void row(String name, ReplayResult x) {
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %.1f%% | %.0f | %.0f | %.0f | %.1f |%n", name, x.stats().promptTokens(),
                x.stats().cachedPromptTokens(), 100 * x.stats().prefixHitRatio(), median(x.firstTurnTtft()) / 1e6,
                median(x.laterTurnTtft()) / 1e6, mean(x.laterTurnTtft()) / 1e6, x.seconds());
    }

    private ReplayResult runReplay(Replay r, boolean cache) {
        SplittableRandom rnd = new SplittableRandom(7);
        int[][] personas = new int[r.personas()][];
        for (int p = 0; p < personas.length; p++) {
            personas[p] = randomTokens(rnd, r.personaTokens());
        }
        int[][] history = new int[r.sessions()][];
        int[][][] userTurns = new int[r.sessions()][r.turns()][];
        for (int s = 0; s < r.sessions(); s++) {
            history[s] = personas[s % personas.length];
            for (int t = 0; t < r.turns(); t++) {
                userTurns[s][t] = randomTokens(rnd, r.userTokens());
            }
        }
        List<Long> later = Collections.synchronizedList(new ArrayList<>());
        List<Long> first = Collections.synchronizedList(new ArrayList<>());
        Engine engine = new Engine(model, null, config(cache));
        long t0 = System.nanoTime();
        try {
            List<CompletableFuture<Void>> sessions = new ArrayList<>();
            for (int s = 0; s < r.sessions(); s++) {
                sessions.add(turn(engine, r, s, 0, history, userTurns, first, later));
            }
            sessions.forEach(CompletableFuture::join);
        } finally {
            engine.close();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new ReplayResult(engine.stats(), seconds, later, first, engine.stats().promptTokens());
    }

    /** Sends turn {@code t} of session {@code s}; when its reply is done, appends it to the history and sends the next. */
    private CompletableFuture<Void> turn(Engine engine, Replay r, int s, int t, int[][] history, int[][][] userTurns, List<Long> first,
                                         List<Long> later) {
        int[] prompt = concat(history[s], userTurns[s][t]);
        GenerationRequest req = GenerationRequest.ofTokens("s" + s + "t" + t, prompt,
                SamplingParams.greedy().withMaxTokens(r.replyTokens()).withIgnoreEos(true));
        return engine.submit(req).completion().thenCompose(c -> {
            (t == 0 ? first : later).add(c.timings().firstTokenNanos());
            history[s] = concat(prompt, c.tokens());
            return t + 1 < r.turns() ? turn(engine, r, s, t + 1, history, userTurns, first, later)
                    : CompletableFuture.completedFuture(null);
        });
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double median(List<Long> xs) {
        long[] v = xs.stream().mapToLong(Long::longValue).sorted().toArray();
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    private static double mean(List<Long> xs) {
        return xs.stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
    }
}
