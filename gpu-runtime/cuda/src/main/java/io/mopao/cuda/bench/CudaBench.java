package io.mopao.cuda.bench;

import io.mopao.cuda.CudaModelRunner;
import io.mopao.cuda.runtime.CudaContext;
import io.mopao.cuda.runtime.CudaProbe;
import io.mopao.cuda.select.DeviceProbe;
import io.mopao.engine.gguf.GgmlType;
import io.mopao.engine.model.LayerWeights;
import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.model.ModelWeights;
import io.mopao.engine.serving.bench.SyntheticModel;
import io.mopao.engine.serving.kv.KvCacheConfig;
import io.mopao.engine.serving.scheduler.ScheduledSequence;
import io.mopao.engine.serving.scheduler.SchedulerOutput;
import io.mopao.engine.serving.scheduler.Sequence;
import io.mopao.engine.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The GPU benchmark of the acceptance criteria: the card's device-to-device copy bandwidth, then for a generated
 * ~1.1B-parameter llama (width 2048, 16 layers, GQA 32/8, ffn 8192, vocabulary 32000) in F16 and Q8_0: batch-1 greedy
 * decode tokens/s against the bound {@code bandwidth / bytes of weights read per token}, and aggregate decode tokens/s
 * at 32 concurrent sequences against batch 1. Prints one table row per measurement ({@code | name | value | unit |}).
 * Needs a GPU; exits 2 with the probe's reason without one.
 */
public final class CudaBench {
    private static final int PROMPT = 16;
    private static final int DECODE = 64;

    private CudaBench() {
    }

    /** @param args optional: a work folder for the generated models (default: a temp folder) */
    public static void main(String[] args) throws Exception {
        DeviceProbe p = CudaProbe.probe();
        if (!p.usable()) {
            System.out.println("| gpu benchmark | not run | " + p.reason() + " |");
            System.exit(2);
        }
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("mopao-cuda-bench");
        try (CudaContext ctx = CudaContext.open(p)) {
            System.out.println("| card | " + p.describe() + " | driver " + p.driverVersion() + " |");
            double bw = copyBandwidth(ctx);
            row("copy bandwidth (D2D, read+write)", bw / 1e9, "GB/s");
            for (GgmlType type : List.of(GgmlType.F16, GgmlType.Q8_0)) {
                SyntheticModel spec = new SyntheticModel("llama", type, 2048, 16, 32, 8, 8192, 32000, 2048, 11);
                Path file = spec.write(dir.resolve("bench-1b-" + type + ".gguf"));
                try (Model m = Model.load(file, ModelOptions.defaults().withThreads(1))) {
                    long bytes = bytesPerToken(m.weights());
                    row(type + " params", spec.parameters() / 1e9, "B");
                    row(type + " weight bytes read per token", bytes / 1e9, "GB");
                    KvCacheConfig kv = KvCacheConfig.ofTokens(64L * (PROMPT + DECODE + 16), 16, false);
                    try (CudaModelRunner r = new CudaModelRunner(ctx, m.config(), m.weights(), kv, 512, 32, PROMPT + DECODE + 16, 64)) {
                        double one = decode(r, 1, m.config().vocabSize());
                        double bound = bw / bytes;
                        row(type + " batch-1 decode", one, "tok/s");
                        row(type + " batch-1 bound (bandwidth / bytes)", bound, "tok/s");
                        row(type + " batch-1 fraction of bound (target >= 0.70)", one / bound, "");
                        double many = decode(r, 32, m.config().vocabSize());
                        row(type + " 32-sequence aggregate decode", many, "tok/s");
                        row(type + " aggregate / batch-1 (target >= 8)", many / one, "x");
                    }
                }
                Files.deleteIfExists(file);
            }
        }
    }

    private static void row(String name, double value, String unit) {
        System.out.println(String.format(Locale.ROOT, "| %s | %.3f | %s |", name, value, unit));
    }

    /** Device-to-device copy of 1 GiB, best of 5, counting bytes read and written. */
    static double copyBandwidth(CudaContext ctx) {
        long bytes = 1L << 30;
        long a = ctx.malloc(bytes, "bandwidth source");
        long b = ctx.malloc(bytes, "bandwidth target");
        float best = Float.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            float ms = ctx.time(() -> ctx.copyAsync(b, a, bytes));
            if (i > 0) {
                best = Math.min(best, ms);
            }
        }
        return 2.0 * bytes / (best / 1e3);
    }

    /** Bytes of weights a decode step reads per token: every matrix except the embedding table (one row of it). */
    static long bytesPerToken(ModelWeights w) {
        long b = w.tokenEmbedding().rowBytes();
        List<Tensor> ts = new ArrayList<>();
        ts.add(w.output());
        for (LayerWeights l : w.layers()) {
            ts.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()));
        }
        for (Tensor t : ts) {
            b += t.type().byteSize((long) t.rows() * t.cols());
        }
        return b;
    }

    /** Prefills {@code n} sequences, then times {@link #DECODE} greedy decode steps; returns aggregate tokens/s. */
    static double decode(CudaModelRunner r, int n, int vocab) {
        int blocksPerSeq = (PROMPT + DECODE + 16 + 15) / 16;
        List<Sequence> seqs = new ArrayList<>();
        List<int[]> tables = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            int[] prompt = new int[PROMPT];
            for (int i = 0; i < PROMPT; i++) {
                prompt[i] = (s * 31 + i * 7) % vocab;
            }
            seqs.add(new Sequence(s, prompt, DECODE + 8, 0, Long.MAX_VALUE));
            int[] t = new int[blocksPerSeq];
            for (int i = 0; i < t.length; i++) {
                t[i] = s * blocksPerSeq + i;
            }
            tables.add(t);
        }
        List<ScheduledSequence> prefill = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            prefill.add(new ScheduledSequence(seqs.get(s), 0, PROMPT, tables.get(s), true));
        }
        append(seqs, r.executeGreedy(new SchedulerOutput(prefill, List.of(), List.of(), List.of())));
        long t0 = 0;
        for (int step = 0; step < DECODE; step++) {
            if (step == 4) {
                t0 = System.nanoTime();
            }
            List<ScheduledSequence> d = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                Sequence q = seqs.get(s);
                d.add(new ScheduledSequence(q, q.numTokens() - 1, 1, tables.get(s), true));
            }
            append(seqs, r.executeGreedy(new SchedulerOutput(d, List.of(), List.of(), List.of())));
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return (double) n * (DECODE - 4) / secs;
    }

    private static void append(List<Sequence> seqs, int[] ids) {
        for (int s = 0; s < seqs.size(); s++) {
            seqs.get(s).append(ids[s]);
        }
    }
}
