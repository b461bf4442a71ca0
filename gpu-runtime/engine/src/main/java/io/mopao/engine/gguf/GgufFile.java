package io.mopao.engine.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file (versions 2 and 3), memory-mapped read-only. Tensor data is never copied: {@link #tensorData} returns a
 * slice of the mapping, valid until {@link #close()}.
 *
 * <p>Metadata contract: every integer type maps to {@link Long}, float32 to {@link Float}, float64 to {@link Double},
 * bool to {@link Boolean}, string to {@link String}, arrays to an unmodifiable {@link List} of the same mapping.
 */
public final class GgufFile implements AutoCloseable {
    /** "GGUF" read as a little-endian int. */
    public static final int MAGIC = 0x46554747;
    /** Alignment used when {@code general.alignment} is absent. */
    public static final int DEFAULT_ALIGNMENT = 32;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int MAX_DIMS = 4;

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final int version;
    private final Map<String, Object> metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> tensorsByName;
    private final long alignment;
    private final long dataOffset;

    private GgufFile(Path path, Arena arena, MemorySegment file) {
        this.path = path;
        this.arena = arena;
        this.file = file;
        Reader r = new Reader(file);
        if (file.byteSize() < 4 || r.u32("magic") != MAGIC) {
            throw new GgufException("not a GGUF file: " + path.getFileName() + " does not start with 'GGUF'");
        }
        long v = r.u32("version") & 0xffffffffL;
        if (v != 2 && v != 3) {
            throw new GgufException("unsupported GGUF version " + v + " (supported: 2, 3)");
        }
        this.version = (int) v;
        long tensorCount = r.u64("tensor count");
        long kvCount = r.u64("metadata count");
        // each metadata entry takes at least 8 (key length) + 4 (type) + 1 bytes, each tensor info at least 8+4+4+8
        if (kvCount < 0 || kvCount > r.remaining() / 13) {
            throw new GgufException("truncated or corrupt GGUF: metadata count " + kvCount + " cannot fit in a file of " + file.byteSize()
                    + " bytes");
        }
        if (tensorCount < 0 || tensorCount > r.remaining() / 24) {
            throw new GgufException("truncated or corrupt GGUF: tensor count " + tensorCount + " cannot fit in a file of "
                    + file.byteSize() + " bytes");
        }
        Map<String, Object> md = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = r.string("metadata key #" + i);
            GgufValueType type = r.valueType("metadata '" + key + "'");
            if (md.put(key, r.value(type, "metadata '" + key + "'")) != null) {
                throw new GgufException("corrupt GGUF: duplicate metadata key '" + key + "'");
            }
        }
        this.metadata = Collections.unmodifiableMap(md);
        Object al = md.get("general.alignment");
        if (al == null) {
            this.alignment = DEFAULT_ALIGNMENT;
        } else if (al instanceof Long a && a > 0 && a <= (1 << 20) && Long.bitCount(a) == 1) {
            this.alignment = a;
        } else {
            throw new GgufException("corrupt GGUF: general.alignment must be a power of two integer, got " + al);
        }
        List<GgufTensorInfo> infos = new ArrayList<>((int) tensorCount);
        Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
        for (long i = 0; i < tensorCount; i++) {
            GgufTensorInfo t = r.tensorInfo(i);
            if (byName.put(t.name(), t) != null) {
                throw new GgufException("corrupt GGUF: duplicate tensor '" + t.name() + "'");
            }
            infos.add(t);
        }
        long start = align(r.position(), alignment);
        this.dataOffset = start;
        for (GgufTensorInfo t : infos) {
            if (t.offset() % alignment != 0) {
                throw new GgufException("corrupt GGUF: tensor '" + t.name() + "' offset " + t.offset() + " is not aligned to " + alignment);
            }
            long end = start + t.offset() + t.byteSize();
            if (t.offset() < 0 || end < start || end > file.byteSize()) {
                throw new GgufException("truncated GGUF: tensor data for '" + t.name() + "' ends at byte " + end
                        + " but file has " + file.byteSize());
            }
        }
        this.tensors = Collections.unmodifiableList(infos);
        this.tensorsByName = Collections.unmodifiableMap(byName);
    }

    /** Opens and maps a GGUF file; throws {@link GgufException} with a one-line message if it is unreadable or malformed. */
    public static GgufFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment seg = ch.size() == 0 ? MemorySegment.ofArray(new byte[0])
                    : ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new GgufFile(path, arena, seg);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new GgufException("GGUF file not found: " + path, e);
        } catch (IOException e) {
            arena.close();
            throw new GgufException("cannot read GGUF file " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    static long align(long offset, long alignment) {
        return (offset + alignment - 1) / alignment * alignment;
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    /** All metadata in file order (see the class comment for the value mapping). */
    public Map<String, Object> metadata() {
        return metadata;
    }

    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    /** The tensor with this name, or {@code null}. */
    public GgufTensorInfo tensor(String name) {
        return tensorsByName.get(name);
    }

    public long alignment() {
        return alignment;
    }

    /** Absolute file offset of the tensor data section. */
    public long dataOffset() {
        return dataOffset;
    }

    /** The whole mapped file. */
    public MemorySegment segment() {
        return file;
    }

    /** The tensor's bytes, a slice of the mapping. */
    public MemorySegment tensorData(GgufTensorInfo t) {
        return file.asSlice(dataOffset + t.offset(), t.byteSize());
    }

    /** A string metadata value; throws if absent or of another type. */
    public String getString(String key) {
        return require(key, String.class);
    }

    /** An integer metadata value, or {@code defaultValue} if absent. */
    public long getLong(String key, long defaultValue) {
        Object v = metadata.get(key);
        return v == null ? defaultValue : require(key, Long.class);
    }

    /** An integer metadata value; throws if absent. */
    public long getLong(String key) {
        return require(key, Long.class);
    }

    /** A float metadata value (float32, float64 or integer), or {@code defaultValue} if absent. */
    public double getDouble(String key, double defaultValue) {
        Object v = metadata.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new GgufException("GGUF metadata '" + key + "' should be a number but is " + describe(v));
    }

    private <T> T require(String key, Class<T> type) {
        Object v = metadata.get(key);
        if (v == null) {
            throw new GgufException("GGUF metadata '" + key + "' is missing");
        }
        if (!type.isInstance(v)) {
            throw new GgufException("GGUF metadata '" + key + "' should be " + type.getSimpleName() + " but is " + describe(v));
        }
        return type.cast(v);
    }

    private static String describe(Object v) {
        return v instanceof List<?> ? "an array" : v.getClass().getSimpleName() + " " + v;
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Bounds-checked little-endian cursor over the mapped file. */
    private final class Reader {
        private final MemorySegment seg;
        private long pos;

        Reader(MemorySegment seg) {
            this.seg = seg;
        }

        long position() {
            return pos;
        }

        long remaining() {
            return seg.byteSize() - pos;
        }

        private void need(long n, String what) {
            if (n < 0 || n > remaining()) {
                throw new GgufException("truncated GGUF: " + what + " needs bytes " + pos + ".." + (pos + n) + " but file has "
                        + seg.byteSize());
            }
        }

        int u32(String what) {
            need(4, what);
            int v = seg.get(U32, pos);
            pos += 4;
            return v;
        }

        long u64(String what) {
            need(8, what);
            long v = seg.get(U64, pos);
            pos += 8;
            return v;
        }

        String string(String what) {
            long len = u64(what + " length");
            if (len < 0 || len > remaining()) {
                throw new GgufException("truncated GGUF: " + what + " is a string of " + len + " bytes at byte " + pos
                        + " but file has " + seg.byteSize());
            }
            byte[] b = seg.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
            pos += len;
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                // vocabularies may hold byte-level pieces that are not valid UTF-8 on their own: keep them lossy
                return new String(b, StandardCharsets.UTF_8);
            }
        }

        GgufValueType valueType(String what) {
            long id = u32(what + " type") & 0xffffffffL;
            GgufValueType t = GgufValueType.byId(id);
            if (t == null) {
                throw new GgufException("corrupt GGUF: " + what + " has unknown value type " + id + " at byte " + (pos - 4));
            }
            return t;
        }

        Object value(GgufValueType type, String what) {
            switch (type) {
                case UINT8 -> {
                    need(1, what);
                    return (long) (seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xff);
                }
                case INT8 -> {
                    need(1, what);
                    return (long) seg.get(ValueLayout.JAVA_BYTE, pos++);
                }
                case UINT16 -> {
                    need(2, what);
                    long v = seg.get(U16, pos) & 0xffff;
                    pos += 2;
                    return v;
                }
                case INT16 -> {
                    need(2, what);
                    long v = seg.get(U16, pos);
                    pos += 2;
                    return v;
                }
                case UINT32 -> {
                    return u32(what) & 0xffffffffL;
                }
                case INT32 -> {
                    return (long) u32(what);
                }
                case UINT64, INT64 -> {
                    return u64(what);
                }
                case FLOAT32 -> {
                    return Float.intBitsToFloat(u32(what));
                }
                case FLOAT64 -> {
                    return Double.longBitsToDouble(u64(what));
                }
                case BOOL -> {
                    need(1, what);
                    byte b = seg.get(ValueLayout.JAVA_BYTE, pos++);
                    if (b != 0 && b != 1) {
                        throw new GgufException("corrupt GGUF: " + what + " is a bool with value " + b);
                    }
                    return b == 1;
                }
                case STRING -> {
                    return string(what);
                }
                case ARRAY -> {
                    GgufValueType et = valueType(what + " element");
                    long n = u64(what + " array length");
                    if (n < 0 || n > remaining() / et.minSize()) {
                        throw new GgufException("truncated GGUF: " + what + " is an array of " + n + " " + et + " at byte " + pos
                                + " but file has " + seg.byteSize());
                    }
                    List<Object> list = new ArrayList<>((int) n);
                    for (long i = 0; i < n; i++) {
                        list.add(value(et, what));
                    }
                    return Collections.unmodifiableList(list);
                }
                default -> throw new GgufException("corrupt GGUF: " + what + " has unsupported type " + type);
            }
        }

        GgufTensorInfo tensorInfo(long index) {
            String name = string("tensor #" + index + " name");
            long nd = u32("tensor '" + name + "' dimension count") & 0xffffffffL;
            if (nd > MAX_DIMS) {
                throw new GgufException("corrupt GGUF: tensor '" + name + "' has " + nd + " dimensions (at most " + MAX_DIMS + ")");
            }
            long[] dims = new long[(int) nd];
            long elements = 1;
            for (int d = 0; d < nd; d++) {
                dims[d] = u64("tensor '" + name + "' dimensions");
                if (dims[d] <= 0 || elements > Long.MAX_VALUE / dims[d]) {
                    throw new GgufException("corrupt GGUF: tensor '" + name + "' has invalid dimension " + dims[d]);
                }
                elements *= dims[d];
            }
            long typeId = u32("tensor '" + name + "' type") & 0xffffffffL;
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw new GgufException("unsupported GGUF: tensor '" + name + "' has unknown ggml type " + typeId);
            }
            long offset = u64("tensor '" + name + "' offset");
            long cols = nd == 0 ? 1 : dims[0];
            if (cols % type.blockSize() != 0) {
                throw new GgufException("corrupt GGUF: tensor '" + name + "' row length " + cols + " is not a multiple of the "
                        + type + " block size " + type.blockSize());
            }
            long bytes = elements / type.blockSize();
            if (bytes > Long.MAX_VALUE / type.typeSize()) {
                throw new GgufException("corrupt GGUF: tensor '" + name + "' is too large");
            }
            return new GgufTensorInfo(name, dims, type, offset, bytes * type.typeSize());
        }
    }
}
