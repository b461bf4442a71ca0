package io.mopao.cuda;

import io.mopao.cuda.runtime.CudaContext;
import io.mopao.cuda.runtime.DeviceOps;
import io.mopao.cuda.select.DeviceProbe;
import io.mopao.engine.model.Backend;
import io.mopao.engine.model.KvCache;
import io.mopao.engine.model.ModelConfig;
import io.mopao.engine.tensor.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The CUDA implementation of the engine's {@link Backend} operations interface, on host arrays: each call copies its
 * activations to the device, runs the kernel and copies the result back. Weights (tensors, norm and bias arrays, RoPE
 * frequencies) are uploaded the first time they are used and stay resident — quantised tensors in their GGUF encoding.
 * This is what {@code Model.forward} and the kernel parity tests drive; the serving core's batched step runs wholly on
 * the device in {@link CudaModelRunner} with one synchronisation per step. Failures throw {@link
 * io.mopao.cuda.runtime.CudaException}; nothing falls back to the CPU.
 */
public final class CudaBackend implements Backend {
    /** Default rows from which matrix products use cuBLAS on dequantised weights. */
    public static final int DEFAULT_GEMM_THRESHOLD = 64;

    private final CudaContext ctx;
    private final DeviceOps ops;
    private final boolean ownsContext;
    private final Map<Object, Long> resident = new IdentityHashMap<>();
    private final long[] buf = new long[6];
    private final long[] bufBytes = new long[6];

    /**
     * @param ctx            the device context
     * @param gemmThreshold  rows from which cuBLAS multiplies
     * @param ownsContext    whether {@link #close} closes the context
     */
    public CudaBackend(CudaContext ctx, int gemmThreshold, boolean ownsContext) {
        this.ctx = ctx;
        this.ops = new DeviceOps(ctx, gemmThreshold);
        this.ownsContext = ownsContext;
    }

    /** @param device a usable probe; @return a backend on its own context */
    public static CudaBackend open(DeviceProbe device) {
        return new CudaBackend(CudaContext.open(device), DEFAULT_GEMM_THRESHOLD, true);
    }

    @Override
    public String name() {
        return "cuda(" + ctx.device().describe() + ")";
    }

    public CudaContext context() {
        return ctx;
    }

    private long buffer(int slot, long bytes) {
        if (bufBytes[slot] < bytes) {
            buf[slot] = ctx.malloc(Math.max(bytes, 2 * bufBytes[slot]), "backend buffer " + slot);
            bufBytes[slot] = Math.max(bytes, 2 * bufBytes[slot]);
        }
        return buf[slot];
    }

    private long weight(Tensor t) {
        Long a = resident.get(t);
        if (a == null) {
            long bytes = t.type().byteSize((long) t.rows() * t.cols());
            a = ctx.malloc(bytes, t.name());
            MemorySegment src = t.data();
            if (src.isNative()) {
                ctx.upload(a, src, bytes);
            } else {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment copy = arena.allocate(bytes, 16);
                    copy.copyFrom(src.asSlice(0, bytes));
                    ctx.upload(a, copy, bytes);
                }
            }
            resident.put(t, a);
        }
        return a;
    }

    private long weight(float[] v) {
        Long a = resident.get(v);
        if (a == null) {
            a = ctx.malloc(4L * v.length, "f32 weights");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment copy = arena.allocate(4L * v.length, 16);
                MemorySegment.copy(v, 0, copy, ValueLayout.JAVA_FLOAT, 0, v.length);
                ctx.upload(a, copy, 4L * v.length);
            }
            resident.put(v, a);
        }
        return a;
    }

    @Override
    public void matmul(Tensor w, float[] x, float[] out, int batch) {
        long dw = weight(w);
        long dx = buffer(0, 4L * batch * w.cols());
        long dout = buffer(1, 4L * batch * w.rows());
        ctx.upload(dx, x, 0, batch * w.cols());
        ops.matmul(w, dw, dx, dout, batch);
        ctx.download(out, 0, dout, batch * w.rows());
    }

    @Override
    public void rmsnorm(float[] out, float[] x, float[] weight, int dim, int batch, float eps) {
        long dx = buffer(0, 4L * dim * batch);
        ctx.upload(dx, x, 0, dim * batch);
        ops.rmsnorm(dx, dx, weight(weight), dim, batch, eps);
        ctx.download(out, 0, dx, dim * batch);
    }

    @Override
    public void addBias(float[] x, float[] bias, int batch) {
        long dx = buffer(0, 4L * bias.length * batch);
        ctx.upload(dx, x, 0, bias.length * batch);
        ops.addBias(dx, weight(bias), bias.length, batch);
        ctx.download(x, 0, dx, bias.length * batch);
    }

    @Override
    public void add(float[] x, float[] y, int n) {
        long dx = buffer(0, 4L * n);
        long dy = buffer(1, 4L * n);
        ctx.upload(dx, x, 0, n);
        ctx.upload(dy, y, 0, n);
        ops.add(dx, dy, n);
        ctx.download(x, 0, dx, n);
    }

    @Override
    public void siluMul(float[] gate, float[] up, int n) {
        long dg = buffer(0, 4L * n);
        long du = buffer(1, 4L * n);
        ctx.upload(dg, gate, 0, n);
        ctx.upload(du, up, 0, n);
        ops.siluMul(dg, du, n);
        ctx.download(gate, 0, dg, n);
    }

    @Override
    public void rope(float[] x, int heads, int batch, int startPos, ModelConfig config) {
        int n = batch * heads * config.headDim();
        long dx = buffer(0, 4L * n);
        ctx.upload(dx, x, 0, n);
        ops.rope(dx, 0, startPos, weight(config.ropeInvFreq()), heads, batch, config);
        ctx.download(x, 0, dx, n);
    }

    @Override
    public void attention(float[] out, float[] q, KvCache cache, int layer, int batch, int startPos, ModelConfig c) {
        int positions = startPos + batch;
        int kvFloats = positions * c.kvDim();
        long dq = buffer(0, 4L * batch * c.qDim());
        long dout = buffer(1, 4L * batch * c.qDim());
        long dk = buffer(2, 4L * kvFloats);
        long dv = buffer(3, 4L * kvFloats);
        long meta = buffer(4, 4L * (2L * batch + 1));
        ctx.upload(dq, q, 0, batch * c.qDim());
        ctx.upload(dk, cache.keys(layer), 0, kvFloats);
        ctx.upload(dv, cache.values(layer), 0, kvFloats);
        // the contiguous cache is one block of `capacity` positions: table {0}
        int[] m = new int[2 * batch + 1];
        for (int b = 0; b < batch; b++) {
            m[b] = startPos + b;
        }
        ctx.upload(meta, m, m.length);
        ops.attention(dout, dq, dk, dv, meta, meta + 4L * batch, meta + 8L * batch, 1, cache.capacity(), batch, c);
        ctx.download(out, 0, dout, batch * c.qDim());
    }

    @Override
    public void embed(Tensor table, int token, float[] out, int off) {
        long tok = buffer(4, 4);
        long dout = buffer(5, 4L * table.cols());
        ctx.upload(tok, new int[] {token}, 1);
        ops.embed(table, weight(table), tok, dout, 1);
        ctx.download(out, off, dout, table.cols());
    }

    /**
     * Sampling helper on the device: greedy token ids of {@code rows} rows of logits.
     *
     * @param logits {@code [rows, n]}
     * @param n      row width
     * @param rows   rows
     * @return the argmax of each row (the lowest index on ties)
     */
    public int[] argmax(float[] logits, int n, int rows) {
        long dx = buffer(0, 4L * n * rows);
        long dout = buffer(4, 4L * rows);
        ctx.upload(dx, logits, 0, n * rows);
        ops.argmax(dx, n, rows, dout);
        int[] r = new int[rows];
        ctx.download(r, dout, rows);
        return r;
    }

    /**
     * Sampling helper on the device: {@code softmax(logits * invTemp)} per row, in place.
     *
     * @param logits  {@code [rows, n]}
     * @param n       row width
     * @param rows    rows
     * @param invTemp 1 / temperature
     */
    public void softmax(float[] logits, int n, int rows, float invTemp) {
        long dx = buffer(0, 4L * n * rows);
        ctx.upload(dx, logits, 0, n * rows);
        ops.softmax(dx, n, rows, invTemp);
        ctx.download(logits, 0, dx, n * rows);
    }

    @Override
    public void close() {
        if (ownsContext) {
            ctx.close();
        }
    }
}
