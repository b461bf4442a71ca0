package io.mopao.service.input;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mopao.service.error.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The byte scanner behind {@link NulGuard}: what JSON it lets through unchanged and what it refuses. The JSON texts
 * below are written with a visible backslash: {@code B} stands for one backslash byte.
 */
class NulCharactersTest {

    private static String json(String withB) {
        return withB.replace('B', '\\');
    }

    /** Reads the whole text through the scanner, in one go and byte by byte; returns the code it was refused with. */
    private static String refusal(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ApiException whole = assertThrows(ApiException.class, () -> readAll(bytes, false), text);
        ApiException single = assertThrows(ApiException.class, () -> readAll(bytes, true), text);
        assertEquals(whole.code(), single.code());
        assertEquals(400, whole.status());
        return whole.code();
    }

    private static void passes(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(bytes, readAll(bytes, false), text);
        assertArrayEquals(bytes, readAll(bytes, true), text);
    }

    private static byte[] readAll(byte[] bytes, boolean byteByByte) throws IOException {
        try (InputStream in = NulCharacters.checkedJson(new ByteArrayInputStream(bytes), "the request body")) {
            if (!byteByByte) {
                return in.readAllBytes();
            }
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int b = in.read(); b >= 0; b = in.read()) {
                out.write(b);
            }
            return out.toByteArray();
        }
    }

    @Test
    void ordinaryJsonPassesUnchanged() throws IOException {
        passes("{\"name\":\"Lin Wu 林雾 😀\",\"tags\":[\"悬疑\"],\"n\":1}");
        passes(json("{\"quote\":\"she said B\"hiB\" BnBt BB BB\"}"));
        passes(json("{\"emoji\":\"Bud83dBude00\",\"upper\":\"BuD83DBuDE00\",\"e\":\"Bu00e9Bu4e2d\"}"));
        passes(json("{\"text\":\"two backslashes then u0000: BBu0000, and BBud800\"}"));
    }

    @Test
    void refusesTheNulCharacterRawOrEscaped() {
        assertEquals("nul_character", refusal("{\"a\":\"x\u0000y\"}"));
        assertEquals("nul_character", refusal(json("{\"a\":\"xBu0000y\"}")));
        assertEquals("nul_character", refusal(json("{\"a\":\"BBBu0000\"}")));
    }

    @Test
    void refusesHalfASurrogatePair() {
        assertEquals("lone_surrogate", refusal(json("{\"a\":\"Bud800\"}")));
        assertEquals("lone_surrogate", refusal(json("{\"a\":\"Bud800x\"}")));
        assertEquals("lone_surrogate", refusal(json("{\"a\":\"Bud800Bn\"}")));
        assertEquals("lone_surrogate", refusal(json("{\"a\":\"Bud800Bud800\"}")));
        assertEquals("lone_surrogate", refusal(json("{\"a\":\"Bude00\"}")));
        assertEquals("lone_surrogate", refusal(json("Bud83d")));
    }

    @Test
    void plainTextIsCheckedForRawNulOnly() throws IOException {
        byte[] text = json("a Bu0000 b").getBytes(StandardCharsets.UTF_8);
        try (InputStream in = NulCharacters.checkedText(new ByteArrayInputStream(text), "the request body")) {
            assertArrayEquals(text, in.readAllBytes());
        }
        byte[] nul = "a\u0000b".getBytes(StandardCharsets.UTF_8);
        assertThrows(ApiException.class, () -> NulCharacters.checkedText(new ByteArrayInputStream(nul), "x").readAllBytes());
    }
}
