package io.mopao.cuda.runtime;

import io.mopao.cuda.kernels.KernelSource;
import io.mopao.cuda.kernels.Launch;
import io.mopao.cuda.kernels.LaunchGeometry;
import io.mopao.engine.gguf.GgmlType;
import io.mopao.engine.model.ModelConfig;
import io.mopao.engine.tensor.Tensor;

/**
 * The forward pass's operations on device memory (addresses of f32 row-major activations), enqueued on the context's
 * stream without waiting. Matrix products take quantised weights as they are: the fused {@code matvec_<type>} kernel
 * below {@code gemmThreshold} rows, dequantisation into an f32 scratch and cuBLAS SGEMM from it.
 */
public final class DeviceOps {
    private final CudaContext ctx;
    private final int gemmThreshold;
    private long scratch;
    private long scratchBytes;

    /**
     * @param ctx            the device
     * @param gemmThreshold  rows from which cuBLAS multiplies
     */
    public DeviceOps(CudaContext ctx, int gemmThreshold) {
        this.ctx = ctx;
        this.gemmThreshold = gemmThreshold;
    }

    public CudaContext context() {
        return ctx;
    }

    /** {@code out[b, r] = sum_c W[r, c] x[b, c]}, W at device address {@code w} in its GGUF encoding. */
    public void matmul(Tensor t, long w, long x, long out, int batch) {
        int rows = t.rows();
        int cols = t.cols();
        if (LaunchGeometry.useGemm(batch, gemmThreshold) || !LaunchGeometry.matvecSupports(t.type(), cols)) {
            long a = w;
            if (t.type() != GgmlType.F32) {
                long need = 4L * rows * cols;
                if (scratchBytes < need) {
                    scratch = ctx.malloc(need, "dequantised " + t.name());
                    scratchBytes = need;
                }
                ctx.launch(KernelSource.dequant(t.type()), LaunchGeometry.dequant((long) rows * cols),
                        ctx.args().ptr(scratch).ptr(w).i32(rows).i32(cols).i64(t.rowBytes()));
                a = scratch;
            }
            ctx.sgemm(a, x, out, rows, cols, batch);
            return;
        }
        ctx.launch(KernelSource.matvec(t.type()), LaunchGeometry.matvec(rows, batch),
                ctx.args().ptr(out).ptr(w).ptr(x).i32(rows).i32(cols).i64(t.rowBytes()).i32(batch));
    }

    /** Rows of {@code dim}: {@code out = x / rms(x) * weight}. */
    public void rmsnorm(long out, long x, long weight, int dim, int rows, float eps) {
        ctx.launch("rmsnorm", LaunchGeometry.perRow(rows), ctx.args().ptr(out).ptr(x).ptr(weight).i32(dim).f32(eps));
    }

    /** {@code x[b, :] += bias} for {@code rows} rows of {@code n}. */
    public void addBias(long x, long bias, int n, int rows) {
        int total = n * rows;
        ctx.launch("add_bias", LaunchGeometry.elementwise(total), ctx.args().ptr(x).ptr(bias).i32(n).i32(total));
    }

    /** {@code x += y}. */
    public void add(long x, long y, int n) {
        ctx.launch("add", LaunchGeometry.elementwise(n), ctx.args().ptr(x).ptr(y).i32(n));
    }

    /** {@code gate = silu(gate) * up}. */
    public void siluMul(long gate, long up, int n) {
        ctx.launch("silu_mul", LaunchGeometry.elementwise(n), ctx.args().ptr(gate).ptr(up).i32(n));
    }

    /** Rotary embedding; row {@code r} at position {@code pos[r]} (device ints) or {@code startPos + r} when {@code pos} is 0. */
    public void rope(long x, long pos, int startPos, long invFreq, int heads, int rows, ModelConfig c) {
        int half = c.ropeDim() / 2;
        ctx.launch("rope", LaunchGeometry.rope(rows, heads, half), ctx.args().ptr(x).ptr(pos).i32(startPos).ptr(invFreq).i32(heads)
                .i32(c.headDim()).i32(half).i32(c.ropeNeox() ? 1 : 0).i32(rows));
    }

    /** Scatters {@code rows} keys and values into their slots. */
    public void kvWrite(long keys, long values, long k, long v, long slots, int kvDim, int rows) {
        ctx.launch("kv_write", LaunchGeometry.elementwise((long) rows * kvDim), ctx.args().ptr(keys).ptr(values).ptr(k).ptr(v).ptr(slots)
                .i32(kvDim).i32(rows));
    }

    /** Paged causal attention of {@code rows} query rows; the kernel (decode or prefill) is chosen by {@link LaunchGeometry}. */
    public void attention(long out, long q, long keys, long values, long rowPos, long rowSeq, long tables, int tableStride, int blockSize,
                          int rows, ModelConfig c) {
        boolean decode = LaunchGeometry.decodeAttention(rows, c.heads(), c.headDim());
        Launch l = decode ? LaunchGeometry.attentionDecode(rows, c.heads()) : LaunchGeometry.attentionPrefill(rows, c.heads());
        ctx.launch(decode ? "paged_attention_decode" : "paged_attention_prefill", l, ctx.args().ptr(out).ptr(q).ptr(keys).ptr(values)
                .ptr(rowPos).ptr(rowSeq).ptr(tables).i32(tableStride).i32(blockSize).i32(rows).i32(c.heads()).i32(c.kvHeads())
                .i32(c.headDim()).f32((float) (1.0 / Math.sqrt(c.headDim()))));
    }

    /** {@code out[i, :] = table[tokens[i], :]} decoded to f32. */
    public void embed(Tensor table, long tableAddress, long tokens, long out, int rows) {
        ctx.launch(KernelSource.embed(table.type()), LaunchGeometry.perRow(rows), ctx.args().ptr(out).ptr(tableAddress).ptr(tokens)
                .i32(table.cols()).i64(table.rowBytes()));
    }

    /** {@code dst[i, :] = src[rows[i], :]}. */
    public void gatherRows(long dst, long src, long rowIndex, int dim, int rows) {
        ctx.launch("gather_rows", LaunchGeometry.perRow(rows), ctx.args().ptr(dst).ptr(src).ptr(rowIndex).i32(dim));
    }

    /** Copy-on-write of whole blocks in every plane of the KV pool. */
    public void copyBlocks(long kv, long pairs, int count, long planeFloats, int blockFloats, int planes) {
        ctx.launch("copy_blocks", LaunchGeometry.copyBlocks(count, planes),
                ctx.args().ptr(kv).ptr(pairs).i64(planeFloats).i32(blockFloats));
    }

    /** Row-wise softmax of {@code x * invTemp}. */
    public void softmax(long x, int n, int rows, float invTemp) {
        ctx.launch("softmax_rows", LaunchGeometry.perRow(rows), ctx.args().ptr(x).i32(n).f32(invTemp));
    }

    /** Row-wise argmax (lowest index on ties) into {@code out} (device ints). */
    public void argmax(long x, int n, int rows, long out) {
        ctx.launch("argmax_rows", LaunchGeometry.perRow(rows), ctx.args().ptr(x).i32(n).ptr(out));
    }
}
