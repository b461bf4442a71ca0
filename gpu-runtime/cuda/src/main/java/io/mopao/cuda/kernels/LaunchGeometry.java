package io.mopao.cuda.kernels;

import io.mopao.engine.gguf.GgmlType;

/**
 * Launch shapes of every kernel for given tensor shapes, and the rules that pick a kernel (the decode or prefill
 * attention kernel; the fused quantised matrix-vector kernel or dequantise + cuBLAS). Pure arithmetic, unit-tested.
 */
public final class LaunchGeometry {
    /** Threads per block of the element-wise kernels. */
    public static final int ELEMENTWISE_THREADS = 256;
    /** Threads per block of the row kernels (norms, softmax, argmax, embedding, gathers). */
    public static final int ROW_THREADS = 256;
    /** Below this many (row, head) pairs a step uses the decode attention kernel (a block per pair, positions split). */
    public static final int DECODE_PAIRS_LIMIT = 4096;

    private LaunchGeometry() {
    }

    /** @param n elements; @return one thread per element */
    public static Launch elementwise(long n) {
        if (n < 1 || n > (long) Integer.MAX_VALUE) {
            throw new IllegalArgumentException("element count " + n + " out of range");
        }
        return new Launch((int) ((n + ELEMENTWISE_THREADS - 1) / ELEMENTWISE_THREADS), 1, ELEMENTWISE_THREADS, 0);
    }

    /** @param rows rows; @return one block per row (rmsnorm, softmax, argmax, embed, gather) */
    public static Launch perRow(int rows) {
        return new Launch(rows, 1, ROW_THREADS, 0);
    }

    /**
     * @param rows    weight rows (outputs)
     * @param batch   activation rows
     * @return the {@code matvec_<type>} launch: x = activation tiles, y = groups of {@link KernelSource#MATVEC_WARPS} rows
     */
    public static Launch matvec(int rows, int batch) {
        int tiles = (batch + KernelSource.TILE - 1) / KernelSource.TILE;
        int rowGroups = (rows + KernelSource.MATVEC_WARPS - 1) / KernelSource.MATVEC_WARPS;
        return new Launch(tiles, rowGroups, 32 * KernelSource.MATVEC_WARPS, 0);
    }

    /**
     * @param type      weight type
     * @param cols      row length
     * @return whether the fused kernel can take rows of this length (a whole number of lane groups)
     */
    public static boolean matvecSupports(GgmlType type, int cols) {
        return KernelSource.TYPES.contains(type) && cols % KernelSource.groupSize(type) == 0;
    }

    /**
     * @param batch          activation rows of the product
     * @param gemmThreshold  from how many rows cuBLAS runs it
     * @return whether to dequantise to f32 and multiply with cuBLAS SGEMM instead of the fused kernel
     */
    public static boolean useGemm(int batch, int gemmThreshold) {
        return batch >= gemmThreshold;
    }

    /** @param elements elements to dequantise; @return a grid-stride launch capped at 64k blocks */
    public static Launch dequant(long elements) {
        long blocks = Math.min((elements + ELEMENTWISE_THREADS - 1) / ELEMENTWISE_THREADS, 65_536);
        return new Launch((int) Math.max(1, blocks), 1, ELEMENTWISE_THREADS, 0);
    }

    /**
     * @param rows     query rows of the step
     * @param heads    query heads
     * @param headDim  head width
     * @return whether the decode kernel runs (few pairs: split each pair's positions over warps)
     */
    public static boolean decodeAttention(int rows, int heads, int headDim) {
        checkHeadDim(headDim);
        return (long) rows * heads < DECODE_PAIRS_LIMIT;
    }

    /** @param rows query rows; @param heads heads; @return the decode kernel's launch: a block per (head, row) */
    public static Launch attentionDecode(int rows, int heads) {
        return new Launch(heads, rows, 32 * KernelSource.DECODE_WARPS, 0);
    }

    /** @param rows query rows; @param heads heads; @return the prefill kernel's launch: a warp per (row, head) */
    public static Launch attentionPrefill(int rows, int heads) {
        long pairs = (long) rows * heads;
        return new Launch((int) ((pairs + KernelSource.PREFILL_WARPS - 1) / KernelSource.PREFILL_WARPS), 1,
                32 * KernelSource.PREFILL_WARPS, 0);
    }

    /** @param rows rows; @param heads heads; @param half rotated pairs per head; @return one thread per (row, head, pair) */
    public static Launch rope(int rows, int heads, int half) {
        return elementwise((long) rows * heads * half);
    }

    /** @param pairs block copies; @param planes layers x 2; @return a block per (copy, plane) */
    public static Launch copyBlocks(int pairs, int planes) {
        return new Launch(pairs, planes, ELEMENTWISE_THREADS, 0);
    }

    /** @param headDim head width; rejects what the attention kernels cannot hold */
    public static void checkHeadDim(int headDim) {
        if (headDim < 1 || headDim > KernelSource.MAX_HEAD_DIM) {
            throw new IllegalArgumentException("head width " + headDim + " is outside the CUDA attention kernels' 1.."
                    + KernelSource.MAX_HEAD_DIM);
        }
    }
}
