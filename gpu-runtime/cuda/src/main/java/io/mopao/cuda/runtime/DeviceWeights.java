package io.mopao.cuda.runtime;

import io.mopao.cuda.plan.WeightLayout;
import io.mopao.engine.model.ModelWeights;
import io.mopao.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A model's weights in one device allocation, uploaded once at start-up in their GGUF encoding ({@link WeightLayout}):
 * quantised matrices stay quantised; norms and biases as f32.
 */
public final class DeviceWeights {
    private final WeightLayout layout;
    private final long base;

    private DeviceWeights(WeightLayout layout, long base) {
        this.layout = layout;
        this.base = base;
    }

    /**
     * @param ctx     the device
     * @param weights the model's weights
     * @return them on the device
     */
    public static DeviceWeights upload(CudaContext ctx, ModelWeights weights) {
        WeightLayout layout = WeightLayout.of(weights);
        long base = ctx.malloc(layout.bytes(), "weights");
        DeviceWeights dw = new DeviceWeights(layout, base);
        dw.put(ctx, weights.tokenEmbedding());
        for (var l : weights.layers()) {
            dw.put(ctx, l.attnNorm());
            dw.put(ctx, l.wq());
            dw.put(ctx, l.wk());
            dw.put(ctx, l.wv());
            if (l.bq() != null) {
                dw.put(ctx, l.bq());
                dw.put(ctx, l.bk());
                dw.put(ctx, l.bv());
            }
            dw.put(ctx, l.wo());
            dw.put(ctx, l.ffnNorm());
            dw.put(ctx, l.wGate());
            dw.put(ctx, l.wUp());
            dw.put(ctx, l.wDown());
        }
        dw.put(ctx, weights.outputNorm());
        dw.put(ctx, weights.output());
        return dw;
    }

    private void put(CudaContext ctx, Tensor t) {
        WeightLayout.Entry e = layout.entry(t);
        MemorySegment src = t.data();
        if (src.isNative()) {
            ctx.upload(base + e.offset(), src, e.bytes());
        } else {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment copy = a.allocate(e.bytes(), 16);
                copy.copyFrom(src.asSlice(0, e.bytes()));
                ctx.upload(base + e.offset(), copy, e.bytes());
            }
        }
    }

    private void put(CudaContext ctx, float[] a) {
        WeightLayout.Entry e = layout.entry(a);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocate(e.bytes(), 16);
            MemorySegment.copy(a, 0, copy, ValueLayout.JAVA_FLOAT, 0, a.length);
            ctx.upload(base + e.offset(), copy, e.bytes());
        }
    }

    /** @param tensorOrArray a weight; @return its device address */
    public long address(Object tensorOrArray) {
        return base + layout.entry(tensorOrArray).offset();
    }

    public WeightLayout layout() {
        return layout;
    }
}
