package io.mopao.engine.gguf;

/**
 * The ggml tensor element types that can appear in a GGUF file, with their block layout.
 * A row of {@code n} elements takes {@code n / blockSize * typeSize} bytes.
 * Only some of them have kernels ({@link #hasKernels()}); the others are parsed so that a file can be inspected.
 */
public enum GgmlType {
    F32(0, 1, 4, true),
    F16(1, 1, 2, true),
    Q4_0(2, 32, 18, true),
    Q4_1(3, 32, 20, false),
    Q5_0(6, 32, 22, false),
    Q5_1(7, 32, 24, false),
    Q8_0(8, 32, 34, true),
    Q8_1(9, 32, 36, false),
    Q2_K(10, 256, 84, false),
    Q3_K(11, 256, 110, false),
    Q4_K(12, 256, 144, true),
    Q5_K(13, 256, 176, false),
    Q6_K(14, 256, 210, true),
    Q8_K(15, 256, 292, false),
    I8(24, 1, 1, false),
    I16(25, 1, 2, false),
    I32(26, 1, 4, false),
    I64(27, 1, 8, false),
    F64(28, 1, 8, false),
    BF16(30, 1, 2, true);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int typeSize;
    private final boolean kernels;

    GgmlType(int id, int blockSize, int typeSize, boolean kernels) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
        this.kernels = kernels;
    }

    /** The numeric id used in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Elements per block. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** Whether this engine can compute with tensors of this type. */
    public boolean hasKernels() {
        return kernels;
    }

    /** Bytes taken by {@code elements} elements (which must be a multiple of the block size). */
    public long byteSize(long elements) {
        return elements / blockSize * typeSize;
    }

    /** The type with this id, or {@code null} when the id is unknown to this engine. */
    public static GgmlType byId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }
}
