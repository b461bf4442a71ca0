package io.mopao.engine.tokenizer;

import java.util.List;
import java.util.Map;

/**
 * Typed reads of GGUF metadata as the GGUF reader maps it: integers are {@code Long}, float32 {@code Float},
 * float64 {@code Double}, bool {@code Boolean}, string {@code String}, arrays {@code List<?>}.
 * Lenient about the exact {@link Number} subclass; strict about everything else, naming the key on error.
 */
final class Metadata {
    /** uint32 all-ones: what converters store for "no such token". */
    private static final long UINT32_NONE = 0xFFFF_FFFFL;

    private final Map<String, Object> map;

    Metadata(Map<String, Object> map) {
        if (map == null) {
            throw new IllegalArgumentException("GGUF metadata is null");
        }
        this.map = map;
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    String string(String key, String fallback) {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof String s) {
            return s;
        }
        throw wrongType(key, "a string", value);
    }

    String requireString(String key) {
        String value = string(key, null);
        if (value == null) {
            throw new IllegalArgumentException("GGUF metadata lacks " + key);
        }
        return value;
    }

    boolean bool(String key, boolean fallback) {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, "a bool", value);
    }

    /**
     * A token id, or -1 when absent or stored as the "none" marker (uint32 all-ones or negative).
     */
    int tokenId(String key, int vocabSize) {
        Object value = map.get(key);
        if (value == null) {
            return -1;
        }
        if (!(value instanceof Number n)) {
            throw wrongType(key, "an integer", value);
        }
        long id = n.longValue();
        if (id < 0 || id == UINT32_NONE) {
            return -1;
        }
        if (id >= vocabSize) {
            throw new IllegalArgumentException(key + " = " + id + " is outside the vocabulary of " + vocabSize + " tokens");
        }
        return (int) id;
    }

    List<?> list(String key) {
        Object value = map.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> l) {
            return l;
        }
        throw wrongType(key, "an array", value);
    }

    private static IllegalArgumentException wrongType(String key, String expected, Object value) {
        return new IllegalArgumentException("GGUF metadata " + key + " should be " + expected + " but is a "
                + value.getClass().getSimpleName());
    }
}
