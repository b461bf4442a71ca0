package io.mopao.engine.gguf;

import io.mopao.engine.tensor.Quantizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF files (version 3 by default, or 2): typed metadata and tensors of any supported type, quantising from
 * float where needed. Used by tests and benchmarks to generate models.
 */
public final class GgufWriter {
    private record Entry(GgufValueType type, Object value, GgufValueType elementType) {
    }

    private record PendingTensor(String name, long[] dims, GgmlType type, byte[] data) {
    }

    private final Map<String, Entry> metadata = new LinkedHashMap<>();
    private final List<PendingTensor> tensors = new ArrayList<>();
    private int version = 3;
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;

    /** GGUF version to write: 2 or 3. */
    public GgufWriter version(int v) {
        if (v != 2 && v != 3) {
            throw new IllegalArgumentException("GGUF version must be 2 or 3");
        }
        this.version = v;
        return this;
    }

    /** Data alignment; a non-default value is recorded as {@code general.alignment}. */
    public GgufWriter alignment(int a) {
        if (a <= 0 || Integer.bitCount(a) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two");
        }
        this.alignment = a;
        if (a != GgufFile.DEFAULT_ALIGNMENT) {
            putUInt32("general.alignment", a);
        }
        return this;
    }

    /** A scalar value of the given type ({@code value}: Number, Boolean or String). */
    public GgufWriter put(String key, GgufValueType type, Object value) {
        if (type == GgufValueType.ARRAY) {
            throw new IllegalArgumentException("use putArray for arrays");
        }
        metadata.put(key, new Entry(type, value, null));
        return this;
    }

    /** An array whose elements all have {@code elementType}. */
    public GgufWriter putArray(String key, GgufValueType elementType, List<?> values) {
        metadata.put(key, new Entry(GgufValueType.ARRAY, List.copyOf(values), elementType));
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, GgufValueType.STRING, value);
    }

    public GgufWriter putUInt32(String key, long value) {
        return put(key, GgufValueType.UINT32, value);
    }

    public GgufWriter putInt32(String key, long value) {
        return put(key, GgufValueType.INT32, value);
    }

    public GgufWriter putUInt64(String key, long value) {
        return put(key, GgufValueType.UINT64, value);
    }

    public GgufWriter putFloat32(String key, float value) {
        return put(key, GgufValueType.FLOAT32, value);
    }

    public GgufWriter putFloat64(String key, double value) {
        return put(key, GgufValueType.FLOAT64, value);
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, GgufValueType.BOOL, value);
    }

    public GgufWriter putStringArray(String key, List<String> values) {
        return putArray(key, GgufValueType.STRING, values);
    }

    public GgufWriter putFloat32Array(String key, float[] values) {
        List<Object> l = new ArrayList<>(values.length);
        for (float v : values) {
            l.add(v);
        }
        return putArray(key, GgufValueType.FLOAT32, l);
    }

    public GgufWriter putInt32Array(String key, int[] values) {
        List<Object> l = new ArrayList<>(values.length);
        for (int v : values) {
            l.add((long) v);
        }
        return putArray(key, GgufValueType.INT32, l);
    }

    /**
     * Adds a tensor from float values (row-major, {@code dims} innermost first as in ggml: a matrix with
     * {@code rows x cols} is {@code dims = {cols, rows}}), encoded as {@code type}.
     */
    public GgufWriter addTensor(String name, GgmlType type, float[] values, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + values.length + " values but dims give " + n);
        }
        return addRawTensor(name, type, Quantizer.quantize(type, values, (int) dims[0]), dims);
    }

    /** Adds a tensor whose bytes are already in {@code type}'s layout. */
    public GgufWriter addRawTensor(String name, GgmlType type, byte[] data, long... dims) {
        tensors.add(new PendingTensor(name, dims.clone(), type, data));
        return this;
    }

    /** Writes the file. */
    public void write(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Buf b = new Buf();
            b.i32(GgufFile.MAGIC);
            b.i32(version);
            b.i64(tensors.size());
            b.i64(metadata.size());
            for (Map.Entry<String, Entry> e : metadata.entrySet()) {
                b.str(e.getKey());
                b.i32(e.getValue().type().id());
                if (e.getValue().type() == GgufValueType.ARRAY) {
                    List<?> list = (List<?>) e.getValue().value();
                    b.i32(e.getValue().elementType().id());
                    b.i64(list.size());
                    for (Object o : list) {
                        b.value(e.getValue().elementType(), o);
                    }
                } else {
                    b.value(e.getValue().type(), e.getValue().value());
                }
            }
            long offset = 0;
            for (PendingTensor t : tensors) {
                b.str(t.name());
                b.i32(t.dims().length);
                for (long d : t.dims()) {
                    b.i64(d);
                }
                b.i32(t.type().id());
                b.i64(offset);
                offset = GgufFile.align(offset + t.data().length, alignment);
            }
            long headerEnd = b.size();
            b.pad(GgufFile.align(headerEnd, alignment) - headerEnd);
            b.writeTo(ch);
            long pos = 0;
            for (PendingTensor t : tensors) {
                ch.write(ByteBuffer.wrap(t.data()));
                pos += t.data().length;
                long padded = GgufFile.align(pos, alignment);
                if (padded > pos) {
                    ch.write(ByteBuffer.allocate((int) (padded - pos)));
                    pos = padded;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    /** A growable little-endian byte buffer for the header. */
    private static final class Buf {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        long size() {
            return buf.position();
        }

        void i32(int v) {
            ensure(4);
            buf.putInt(v);
        }

        void i64(long v) {
            ensure(8);
            buf.putLong(v);
        }

        void pad(long n) {
            ensure((int) n);
            for (long i = 0; i < n; i++) {
                buf.put((byte) 0);
            }
        }

        void str(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            i64(bytes.length);
            ensure(bytes.length);
            buf.put(bytes);
        }

        void value(GgufValueType type, Object v) {
            ensure(8);
            switch (type) {
                case UINT8, INT8 -> buf.put(((Number) v).byteValue());
                case UINT16, INT16 -> buf.putShort(((Number) v).shortValue());
                case UINT32, INT32 -> buf.putInt(((Number) v).intValue());
                case UINT64, INT64 -> buf.putLong(((Number) v).longValue());
                case FLOAT32 -> buf.putFloat(((Number) v).floatValue());
                case FLOAT64 -> buf.putDouble(((Number) v).doubleValue());
                case BOOL -> buf.put((byte) (((Boolean) v) ? 1 : 0));
                case STRING -> str((String) v);
                default -> throw new IllegalArgumentException("nested arrays are not supported");
            }
        }

        void writeTo(FileChannel ch) throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }
}
