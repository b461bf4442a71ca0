package io.mopao.engine.tensor;

import io.mopao.engine.gguf.GgmlType;

import java.lang.foreign.MemorySegment;

/**
 * A weight matrix of {@code rows x cols} elements of {@code type}, stored row-major in {@code data} (usually a slice
 * of the memory-mapped GGUF file). A 1-D tensor is one row.
 */
public record Tensor(String name, GgmlType type, int rows, int cols, MemorySegment data) {

    public Tensor {
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(name + ": row length " + cols + " is not a multiple of " + type.blockSize());
        }
        if (data.byteSize() < type.byteSize((long) rows * cols)) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes is too small for " + rows + "x" + cols + " " + type);
        }
    }

    /** Bytes per row. */
    public long rowBytes() {
        return type.byteSize(cols);
    }

    /** Decodes row {@code r} into {@code out[off..off+cols)}. */
    public void dequantizeRow(int r, float[] out, int off) {
        Dequantizer.dequantize(type, data, r * rowBytes(), out, off, cols);
    }

    /** Decodes the whole tensor (for small tensors such as norms and biases). */
    public float[] toFloatArray() {
        float[] out = new float[Math.multiplyExact(rows, cols)];
        for (int r = 0; r < rows; r++) {
            dequantizeRow(r, out, r * cols);
        }
        return out;
    }

    /** Whether matrix-vector products with this tensor take int8-quantised activations ({@link Q8Vector}). */
    public boolean usesQ8Activations() {
        return usesQ8(type);
    }

    /** Whether kernels for {@code type} take int8-quantised activations. */
    public static boolean usesQ8(GgmlType type) {
        return switch (type) {
            case Q8_0, Q4_0, Q4_K, Q6_K -> true;
            default -> false;
        };
    }
}
