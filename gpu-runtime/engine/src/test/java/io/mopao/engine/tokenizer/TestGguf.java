package io.mopao.engine.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only reader of a GGUF file's metadata section, mapping values the way the engine's GGUF reader contract
 * says (integers Long, float32 Float, float64 Double, bool Boolean, string String, arrays List). Lets the tokenizer
 * tests read the real model without depending on the gguf package.
 */
public final class TestGguf {
    private TestGguf() {
    }

    /**
     * Where the shared test models live: {@code mopao.shared.dir} (set by the build), {@code MOPAO_SHARED_DIR},
     * else {@code ../shared} from the project root.
     *
     * @param file a file name under {@code models/}
     * @return its path; fails the test with a clear message when it is missing
     */
    public static Path sharedModel(String file) {
        String dir = System.getProperty("mopao.shared.dir");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("MOPAO_SHARED_DIR");
        }
        Path base = dir == null || dir.isBlank() ? Path.of("../../../shared") : Path.of(dir);
        Path path = base.resolve("models").resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("test model " + path.toAbsolutePath()
                    + " is missing: the shared models must be at ../shared/models/ next to the project root");
        }
        return path;
    }

    /**
     * @param path a GGUF file
     * @return its metadata
     * @throws IOException when it cannot be read
     */
    public static Map<String, Object> metadata(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path)) {
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            if (buf.getInt() != 0x46554747) {
                throw new IOException(path + " is not a GGUF file");
            }
            int version = buf.getInt();
            if (version < 2) {
                throw new IOException("GGUF version " + version + " is not supported by this test reader");
            }
            buf.getLong(); // tensor count
            long kvCount = buf.getLong();
            Map<String, Object> map = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = string(buf);
                map.put(key, value(buf, buf.getInt()));
            }
            return map;
        }
    }

    private static String string(ByteBuffer buf) {
        byte[] bytes = new byte[Math.toIntExact(buf.getLong())];
        buf.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Object value(ByteBuffer buf, int type) throws IOException {
        return switch (type) {
            case 0 -> (long) Byte.toUnsignedInt(buf.get());
            case 1 -> (long) buf.get();
            case 2 -> (long) Short.toUnsignedInt(buf.getShort());
            case 3 -> (long) buf.getShort();
            case 4 -> Integer.toUnsignedLong(buf.getInt());
            case 5 -> (long) buf.getInt();
            case 6 -> buf.getFloat();
            case 7 -> buf.get() != 0;
            case 8 -> string(buf);
            case 9 -> {
                int elementType = buf.getInt();
                long n = buf.getLong();
                List<Object> list = new ArrayList<>(Math.toIntExact(n));
                for (long i = 0; i < n; i++) {
                    list.add(value(buf, elementType));
                }
                yield list;
            }
            case 10, 11 -> buf.getLong();
            case 12 -> buf.getDouble();
            default -> throw new IOException("unknown GGUF value type " + type);
        };
    }
}
