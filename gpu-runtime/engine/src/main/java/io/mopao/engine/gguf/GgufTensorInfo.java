package io.mopao.engine.gguf;

import java.util.Arrays;

/**
 * One tensor's description from a GGUF file.
 *
 * @param name       tensor name, e.g. {@code blk.0.attn_q.weight}
 * @param dims       ggml dimensions, innermost first: a weight matrix of {@code rows x cols} is {@code [cols, rows]}
 * @param type       element type
 * @param offset     byte offset of the data relative to the start of the tensor data section
 * @param byteSize   bytes of data
 */
public record GgufTensorInfo(String name, long[] dims, GgmlType type, long offset, long byteSize) {

    /** Total number of elements. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /** Innermost dimension (the length of one row). */
    public long cols() {
        return dims.length == 0 ? 1 : dims[0];
    }

    /** Product of all but the innermost dimension. */
    public long rows() {
        return dims.length == 0 ? 1 : elementCount() / dims[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && Arrays.equals(dims, t.dims) && type == t.type
                && offset == t.offset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(dims) + " " + type;
    }
}
