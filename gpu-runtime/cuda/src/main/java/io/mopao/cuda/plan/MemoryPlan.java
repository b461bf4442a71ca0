package io.mopao.cuda.plan;

import io.mopao.cuda.kernels.LaunchGeometry;
import io.mopao.engine.model.LayerWeights;
import io.mopao.engine.model.ModelConfig;
import io.mopao.engine.model.ModelWeights;
import io.mopao.engine.serving.kv.KvCacheConfig;
import io.mopao.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Device memory of a CUDA model runner, decided before anything is allocated: the weight arena ({@link WeightLayout}),
 * the paged KV pool ({@code layers x {keys, values} x numBlocks x blockSize x kvDim} f32, the layout of the CPU
 * {@code PagedKvStore}), the step's activations for {@code maxTokens} rows, the classifier's rows and logits for
 * {@code maxSeqs} sequences, the per-step metadata (tokens, positions, slots, block tables), and the f32 scratch that a
 * dequantised matrix takes before cuBLAS multiplies it (only when a step can reach the GEMM threshold).
 *
 * @param parts bytes per part, in allocation order
 */
public record MemoryPlan(Map<String, Long> parts) {

    /** Memory left to CUDA itself, cuBLAS workspaces and the module (not planned per byte). */
    public static final long RESERVE_BYTES = 512L << 20;

    public MemoryPlan {
        parts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    /**
     * @param c              model configuration
     * @param weights        the weights (for their types and sizes)
     * @param kv             the KV pool's shape
     * @param maxTokens      most rows in a step
     * @param maxSeqs        most sequences in a step
     * @param maxPositions   most positions of a sequence (block table width)
     * @param gemmThreshold  rows from which cuBLAS multiplies (dequantised scratch needed when maxTokens reaches it)
     * @return the plan
     */
    public static MemoryPlan of(ModelConfig c, ModelWeights weights, KvCacheConfig kv, int maxTokens, int maxSeqs, int maxPositions,
                                int gemmThreshold) {
        Map<String, Long> p = new LinkedHashMap<>();
        p.put("weights", WeightLayout.of(weights).bytes());
        p.put("kv pool", kvBytes(c, kv));
        long rowFloats = 2L * c.dim() + 2L * c.qDim() + 2L * c.kvDim() + 2L * c.ffnDim();
        p.put("activations", WeightLayout.align(4L * maxTokens * rowFloats));
        p.put("classifier", WeightLayout.align(4L * maxSeqs * (c.dim() + c.vocabSize()) + 4L * maxSeqs));
        int tableWidth = (maxPositions + kv.blockSize() - 1) / kv.blockSize();
        p.put("step metadata", WeightLayout.align(4L * StepMetadata.ints(maxTokens, maxSeqs, tableWidth, kv.numBlocks())));
        p.put("rope frequencies", WeightLayout.align(4L * Math.max(1, c.ropeDim() / 2)));
        long scratch = 0;
        if (LaunchGeometry.useGemm(Math.max(maxTokens, maxSeqs), gemmThreshold)) {
            for (Tensor t : matrices(weights)) {
                if (t.type() != io.mopao.engine.gguf.GgmlType.F32) {
                    scratch = Math.max(scratch, 4L * t.rows() * t.cols());
                }
            }
        }
        p.put("gemm scratch", WeightLayout.align(scratch));
        return new MemoryPlan(p);
    }

    /** @param c model; @param kv pool shape; @return bytes of the device KV pool */
    public static long kvBytes(ModelConfig c, KvCacheConfig kv) {
        return 2L * c.layers() * kv.numBlocks() * kv.blockSize() * c.kvDim() * Float.BYTES;
    }

    private static List<Tensor> matrices(ModelWeights w) {
        List<Tensor> m = new ArrayList<>();
        m.add(w.output());
        for (LayerWeights l : w.layers()) {
            m.addAll(List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown()));
        }
        return m;
    }

    /** @return bytes of all parts */
    public long total() {
        return parts.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * @param freeBytes the device's free memory
     * @throws IllegalStateException naming the parts and what to shrink when the plan and the reserve do not fit
     */
    public void checkFits(long freeBytes) {
        if (total() + RESERVE_BYTES > freeBytes) {
            throw new IllegalStateException("the CUDA backend needs " + gib(total()) + " (+" + gib(RESERVE_BYTES)
                    + " reserve) but the device has " + gib(freeBytes) + " free: " + this
                    + ". Use a smaller KV pool (kvCacheTokens/kvCacheBytes), fewer batched tokens, or a more quantised model.");
        }
    }

    private static String gib(long b) {
        return String.format(Locale.ROOT, "%.2f GiB", b / (double) (1L << 30));
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        parts.forEach((k, v) -> s.append(s.isEmpty() ? "" : ", ").append(k).append(' ').append(gib(v)));
        return s.toString();
    }
}
