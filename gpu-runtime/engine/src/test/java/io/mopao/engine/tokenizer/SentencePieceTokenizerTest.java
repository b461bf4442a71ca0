package io.mopao.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SentencePiece-style tokenizer on a small vocabulary built here. */
class SentencePieceTokenizerTest {
    private static final int BYTE0 = 3;
    private static final int SPACE = 259;
    private static final int NI = 269;
    private static final int IM_START = 270;
    private static final int TOOL = 271;

    static Map<String, Object> metadata() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Float> scores = new ArrayList<>(List.of(0f, 0f, 0f));
        List<Long> types = new ArrayList<>(List.of(2L, 3L, 3L));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            scores.add(0f);
            types.add(6L);
        }
        String[] pieces = {"▁", "h", "e", "l", "o", "▁h", "ll", "▁he", "llo", "▁hello", "你", "<|im_start|>", "<tool>",
            "w", "r", "d", "▁w", "or"};
        float[] pieceScores = {-10, -10, -10, -10, -10, -1, -2, -3, -4, -5, -10, 0, 0, -10, -10, -10, -6, -7};
        for (int i = 0; i < pieces.length; i++) {
            tokens.add(pieces[i]);
            scores.add(pieceScores[i]);
            types.add(pieces[i].equals("<|im_start|>") ? 3L : pieces[i].equals("<tool>") ? 4L : 1L);
        }
        Map<String, Object> md = new HashMap<>();
        md.put("tokenizer.ggml.model", "llama");
        md.put("tokenizer.ggml.tokens", tokens);
        md.put("tokenizer.ggml.scores", scores);
        md.put("tokenizer.ggml.token_type", types);
        md.put("tokenizer.ggml.bos_token_id", 1L);
        md.put("tokenizer.ggml.eos_token_id", 2L);
        md.put("tokenizer.ggml.unknown_token_id", 0L);
        md.put("tokenizer.ggml.padding_token_id", 0xFFFF_FFFFL);
        return md;
    }

    private final Tokenizer tokenizer = Tokenizer.fromGguf(metadata());

    private static int id(Tokenizer t, String piece) {
        int id = t.tokenId(piece);
        assertTrue(id >= 0, piece);
        return id;
    }

    private static int byteToken(int b) {
        return BYTE0 + b;
    }

    @Test
    void mergesHighestScoringPairsFirstWithDummyPrefix() {
        int[] ids = tokenizer.encode("hello world", true, false);
        int[] expected = {1, id(tokenizer, "▁hello"), id(tokenizer, "▁w"), id(tokenizer, "or"), id(tokenizer, "l"), id(tokenizer, "d")};
        assertArrayEquals(expected, ids);
    }

    @Test
    void roundTripsTextThroughDecode() {
        for (String s : List.of("hello world", "hello  hello", "  leading spaces", "hello 你好 😀 done", "")) {
            assertEquals(s, tokenizer.decode(tokenizer.encode(s, true, false)), s);
            assertEquals(s, tokenizer.decode(tokenizer.encode(s)), s);
        }
    }

    @Test
    void fallsBackToByteTokensForChineseAndEmoji() {
        int[] ids = tokenizer.encode("你好😀");
        byte[] hao = "好".getBytes(StandardCharsets.UTF_8);
        byte[] emoji = "😀".getBytes(StandardCharsets.UTF_8);
        assertEquals(4, emoji.length);
        int[] expected = {SPACE, NI, byteToken(hao[0] & 0xFF), byteToken(hao[1] & 0xFF), byteToken(hao[2] & 0xFF),
            byteToken(emoji[0] & 0xFF), byteToken(emoji[1] & 0xFF), byteToken(emoji[2] & 0xFF), byteToken(emoji[3] & 0xFF)};
        assertArrayEquals(expected, ids);
    }

    @Test
    void streamDecoderHoldsBytesUntilTheCharacterIsComplete() {
        int[] ids = tokenizer.encode("好😀");
        StreamDecoder decoder = tokenizer.newStreamDecoder();
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(decoder.feed(id));
        }
        out.add(decoder.flush());
        assertEquals(List.of(" ", "", "", "好", "", "", "", "😀", ""), out);
    }

    @Test
    void streamDecoderReplacesInvalidAndTruncatedBytes() {
        StreamDecoder decoder = tokenizer.newStreamDecoder();
        assertEquals("", decoder.feed(byteToken(0xE4)));
        assertEquals("\uFFFDh", decoder.feed(id(tokenizer, "h")));
        assertEquals("\uFFFD", decoder.feed(byteToken(0x80)));
        assertEquals("", decoder.feed(byteToken(0xF0)));
        assertEquals("", decoder.feed(byteToken(0x9F)));
        assertEquals("\uFFFD", decoder.flush());
    }

    @Test
    void streamDecoderDropsTheDummySpaceRightAfterBos() {
        StreamDecoder decoder = tokenizer.newStreamDecoder();
        assertEquals("", decoder.feed(1));
        assertEquals("hello", decoder.feed(id(tokenizer, "▁hello")));
        assertEquals(" hello", decoder.feed(id(tokenizer, "▁hello")));
    }

    @Test
    void matchesControlTokensOnlyWhenParsingSpecial() {
        int[] parsed = tokenizer.encode("<|im_start|>hello", false, true);
        assertArrayEquals(new int[] {IM_START, id(tokenizer, "▁hello")}, parsed);
        int[] literal = tokenizer.encode("<|im_start|>hello", false, false);
        assertEquals(byteToken('<'), literal[1]);
        assertEquals("<|im_start|>hello", tokenizer.decode(literal));
        assertEquals("hello", tokenizer.decode(parsed), "control tokens render as nothing");
    }

    @Test
    void alwaysMatchesUserDefinedTokens() {
        int[] ids = tokenizer.encode("hello<tool>", false, false);
        assertEquals(TOOL, ids[ids.length - 1]);
        assertEquals("hello<tool>", tokenizer.decode(ids));
    }

    @Test
    void rejectsMetadataWithoutTokens() {
        Map<String, Object> md = metadata();
        md.remove("tokenizer.ggml.tokens");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromGguf(md));
        assertTrue(e.getMessage().contains("tokenizer.ggml.tokens"));
    }

    @Test
    void rejectsUnknownTokenizerModel() {
        Map<String, Object> md = metadata();
        md.put("tokenizer.ggml.model", "wordpiece");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.fromGguf(md));
        assertTrue(e.getMessage().contains("wordpiece"));
    }
}
