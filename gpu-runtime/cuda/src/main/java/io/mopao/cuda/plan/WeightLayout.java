package io.mopao.cuda.plan;

import io.mopao.engine.model.LayerWeights;
import io.mopao.engine.model.ModelWeights;
import io.mopao.engine.tensor.Tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every weight lives in the one device allocation that holds them all. Matrices keep their GGUF bytes exactly
 * (quantised types stay quantised: Q8_0 34-byte, Q4_0 18-byte, Q4_K 144-byte and Q6_K 210-byte blocks, row-major);
 * norm weights and biases are f32. Every entry starts at a multiple of {@link #ALIGN} bytes, so 2- and 4-byte loads in
 * the kernels are aligned (all block sizes and row lengths in bytes are even, F16/BF16 rows a multiple of 4 bytes). A
 * tied classifier is stored once.
 */
public final class WeightLayout {
    /** Alignment of each entry in bytes. */
    public static final long ALIGN = 256;

    /**
     * One uploaded array.
     *
     * @param name   tensor name (or a synthetic one for norms and biases)
     * @param offset byte offset in the arena
     * @param bytes  byte size
     */
    public record Entry(String name, long offset, long bytes) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<Object, Entry> byObject = new IdentityHashMap<>();
    private long size;

    private WeightLayout() {
    }

    /**
     * @param weights a model's weights
     * @return their layout
     */
    public static WeightLayout of(ModelWeights weights) {
        WeightLayout l = new WeightLayout();
        l.add(weights.tokenEmbedding());
        int i = 0;
        for (LayerWeights w : weights.layers()) {
            String b = "blk." + i + ".";
            l.add(w.attnNorm(), b + "attn_norm");
            l.add(w.wq());
            l.add(w.wk());
            l.add(w.wv());
            if (w.bq() != null) {
                l.add(w.bq(), b + "attn_q.bias");
                l.add(w.bk(), b + "attn_k.bias");
                l.add(w.bv(), b + "attn_v.bias");
            }
            l.add(w.wo());
            l.add(w.ffnNorm(), b + "ffn_norm");
            l.add(w.wGate());
            l.add(w.wUp());
            l.add(w.wDown());
            i++;
        }
        l.add(weights.outputNorm(), "output_norm");
        l.add(weights.output());
        return l;
    }

    /** @param bytes a size; @return it rounded up to {@link #ALIGN} */
    public static long align(long bytes) {
        return (bytes + ALIGN - 1) / ALIGN * ALIGN;
    }

    private void add(Tensor t) {
        if (byObject.containsKey(t)) {
            return;
        }
        put(t, t.name(), t.type().byteSize((long) t.rows() * t.cols()));
    }

    private void add(float[] a, String name) {
        if (byObject.containsKey(a)) {
            return;
        }
        put(a, name, 4L * a.length);
    }

    private void put(Object key, String name, long bytes) {
        Entry e = new Entry(name, size, bytes);
        entries.add(e);
        byObject.put(key, e);
        size = align(size + bytes);
    }

    /** @return all entries in upload order */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** @param tensorOrArray a {@link Tensor} or a {@code float[]} of the weights; @return its entry */
    public Entry entry(Object tensorOrArray) {
        Entry e = byObject.get(tensorOrArray);
        if (e == null) {
            throw new IllegalArgumentException("not part of the uploaded weights: " + tensorOrArray);
        }
        return e;
    }

    /** @return bytes of the arena */
    public long bytes() {
        return size;
    }
}
