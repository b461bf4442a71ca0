package io.mopao.engine.gguf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufFileTest {
    @TempDir
    Path dir;

    private static GgufWriter everyValueType() {
        return new GgufWriter()
                .putString("general.architecture", "llama")
                .put("u8", GgufValueType.UINT8, 200)
                .put("i8", GgufValueType.INT8, -5)
                .put("u16", GgufValueType.UINT16, 65000)
                .put("i16", GgufValueType.INT16, -300)
                .putUInt32("u32", 4_000_000_000L)
                .putInt32("i32", -7)
                .putUInt64("u64", 1L << 40)
                .put("i64", GgufValueType.INT64, -(1L << 40))
                .putFloat32("f32", 1.5f)
                .putFloat64("f64", 2.25)
                .putBool("yes", true)
                .putBool("no", false)
                .putString("utf8", "héllo ▁world")
                .putStringArray("strings", List.of("a", "", "ü"))
                .putInt32Array("ints", new int[] {1, -2, 3})
                .putFloat32Array("floats", new float[] {0.5f, -1f})
                .putArray("bools", GgufValueType.BOOL, List.of(true, false))
                .putArray("empty", GgufValueType.UINT8, List.of());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void readsEveryMetadataTypeWithTheDocumentedJavaTypes(int version) {
        Path f = dir.resolve("m.gguf");
        everyValueType().version(version).write(f);
        try (GgufFile g = GgufFile.open(f)) {
            assertEquals(version, g.version());
            Map<String, Object> m = g.metadata();
            assertEquals(200L, m.get("u8"));
            assertEquals(-5L, m.get("i8"));
            assertEquals(65000L, m.get("u16"));
            assertEquals(-300L, m.get("i16"));
            assertEquals(4_000_000_000L, m.get("u32"));
            assertEquals(-7L, m.get("i32"));
            assertEquals(1L << 40, m.get("u64"));
            assertEquals(-(1L << 40), m.get("i64"));
            assertEquals(1.5f, m.get("f32"));
            assertEquals(2.25, m.get("f64"));
            assertEquals(Boolean.TRUE, m.get("yes"));
            assertEquals(Boolean.FALSE, m.get("no"));
            assertEquals("héllo ▁world", m.get("utf8"));
            assertEquals(List.of("a", "", "ü"), m.get("strings"));
            assertEquals(List.of(1L, -2L, 3L), m.get("ints"));
            assertEquals(List.of(0.5f, -1f), m.get("floats"));
            assertEquals(List.of(true, false), m.get("bools"));
            assertInstanceOf(List.class, m.get("empty"));
            assertEquals(List.of("general.architecture", "u8"), m.keySet().stream().limit(2).toList(), "file order is kept");
            assertEquals("llama", g.getString("general.architecture"));
            assertEquals(-7, g.getLong("i32"));
            assertEquals(9, g.getLong("absent", 9));
            GgufException e = assertThrows(GgufException.class, () -> g.getLong("f32"));
            assertEquals("GGUF metadata 'f32' should be Long but is Float 1.5", e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 64, 4096})
    void tensorsAreMappedAtTheirAlignedOffsets(int alignment) {
        Path f = dir.resolve("t.gguf");
        float[] a = {1, 2, 3};
        float[] b = new float[64];
        for (int i = 0; i < b.length; i++) {
            b[i] = i * 0.5f;
        }
        new GgufWriter().alignment(alignment).addTensor("a", GgmlType.F32, a, 3)
                .addTensor("b", GgmlType.F32, b, 16, 4).addTensor("c", GgmlType.Q8_0, b, 32, 2).write(f);
        try (GgufFile g = GgufFile.open(f)) {
            assertEquals(alignment, g.alignment());
            assertEquals(0, g.dataOffset() % alignment);
            assertEquals(3, g.tensors().size());
            GgufTensorInfo tb = g.tensor("b");
            assertArrayEquals(new long[] {16, 4}, tb.dims());
            assertEquals(4, tb.rows());
            assertEquals(16, tb.cols());
            assertEquals(GgmlType.F32, tb.type());
            assertEquals(0, tb.offset() % alignment);
            assertArrayEquals(b, g.tensorData(tb).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED));
            assertArrayEquals(a, g.tensorData(g.tensor("a")).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED));
            assertEquals(2 * 34, g.tensor("c").byteSize());
            assertNull(g.tensor("missing"));
        }
    }

    @Test
    void truncatedTensorDataNamesTheTensorAndSizes() throws IOException {
        Path f = dir.resolve("t.gguf");
        new GgufWriter().addTensor("blk.0.attn_q.weight", GgmlType.F32, new float[64], 64).write(f);
        long size = Files.size(f);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(bytes, (int) size - 10));
        GgufException e = assertThrows(GgufException.class, () -> GgufFile.open(f));
        assertEquals("truncated GGUF: tensor data for 'blk.0.attn_q.weight' ends at byte " + size + " but file has " + (size - 10),
                e.getMessage());
    }

    private static String message(Path f) {
        return assertThrows(GgufException.class, () -> GgufFile.open(f).close()).getMessage();
    }

    @Test
    void rejectsWrongMagicAndUnsupportedVersion() throws IOException {
        Path f = dir.resolve("x.gguf");
        Files.write(f, "not a model at all".getBytes());
        assertEquals("not a GGUF file: x.gguf does not start with 'GGUF'", message(f));
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(GgufFile.MAGIC).putInt(1).putLong(0).putLong(0);
        Files.write(f, b.array());
        assertEquals("unsupported GGUF version 1 (supported: 2, 3)", message(f));
        Files.write(f, new byte[0]);
        assertThrows(GgufException.class, () -> GgufFile.open(f));
        assertTrue(message(dir.resolve("nope.gguf")).startsWith("GGUF file not found"));
    }

    @Test
    void rejectsUnknownTensorTypeAndBadDimensions() throws IOException {
        Path f = dir.resolve("u.gguf");
        new GgufWriter().addRawTensor("w", GgmlType.Q4_0, new byte[18], 32).write(f);
        byte[] bytes = Files.readAllBytes(f);
        // the type id follows name (8 + 1 bytes), n_dims (4) and one dim (8) after the 24-byte header
        int typeAt = 24 + 9 + 4 + 8;
        assertEquals(GgmlType.Q4_0.id(), bytes[typeAt]);
        bytes[typeAt] = 99;
        Files.write(f, bytes);
        assertEquals("unsupported GGUF: tensor 'w' has unknown ggml type 99", message(f));
        bytes[typeAt] = (byte) GgmlType.Q4_0.id();
        bytes[24 + 9 + 4] = 33; // row of 33 is not a whole number of 32-blocks
        Files.write(f, bytes);
        assertEquals("corrupt GGUF: tensor 'w' row length 33 is not a multiple of the Q4_0 block size 32",
                message(f));
    }

    @Test
    void everyTruncationOrByteFlipFailsWithGgufExceptionOrReadsConsistently() throws IOException {
        Path src = dir.resolve("src.gguf");
        everyValueType().addTensor("t", GgmlType.Q8_0, new float[64], 32, 2).write(src);
        byte[] bytes = Files.readAllBytes(src);
        long end;
        try (GgufFile g = GgufFile.open(src)) {
            end = g.dataOffset() + g.tensor("t").offset() + g.tensor("t").byteSize();
        }
        Path f = dir.resolve("bad.gguf");
        // every cut before the end of the last tensor's data (what follows is alignment padding)
        for (int cut = 0; cut < end; cut++) {
            Files.write(f, Arrays.copyOf(bytes, cut));
            GgufException e = assertThrows(GgufException.class, () -> GgufFile.open(f).close(), "cut at " + cut);
            assertFalse(e.getMessage().contains("\n"));
        }
        Random rnd = new Random(7);
        for (int i = 0; i < 3000; i++) {
            byte[] copy = bytes.clone();
            int at = rnd.nextInt(copy.length);
            copy[at] = (byte) (rnd.nextBoolean() ? rnd.nextInt(256) : copy[at] ^ (1 << rnd.nextInt(8)));
            Files.write(f, copy);
            try (GgufFile g = GgufFile.open(f)) {
                for (GgufTensorInfo t : g.tensors()) {
                    assertEquals(t.byteSize(), g.tensorData(t).byteSize());
                }
            } catch (GgufException expected) {
                assertFalse(expected.getMessage().contains("\n"));
            }
        }
    }
}
