package io.mopao.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GPT-2 byte-level BPE on a hand-made vocabulary and merge list. */
class ByteLevelBpeTokenizerTest {
    private static final int HELLO = 259;
    private static final int SPACE_WORLD = 264;
    private static final int END_OF_TEXT = 265;
    private static final int IM_START = 266;
    private static final int IM_END = 267;

    static Map<String, Object> metadata(String pre) {
        List<String> tokens = new ArrayList<>();
        List<Long> types = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(ByteLevel.encode(new byte[] {(byte) b}));
            types.add(1L);
        }
        for (String t : List.of("he", "ll", "hell", "hello", "Ġw", "Ġwo", "rl", "Ġworl", "Ġworld")) {
            tokens.add(t);
            types.add(1L);
        }
        for (String t : List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>")) {
            tokens.add(t);
            types.add(3L);
        }
        Map<String, Object> md = new HashMap<>();
        md.put("tokenizer.ggml.model", "gpt2");
        md.put("tokenizer.ggml.pre", pre);
        md.put("tokenizer.ggml.tokens", tokens);
        md.put("tokenizer.ggml.token_type", types);
        md.put("tokenizer.ggml.merges", List.of("h e", "l l", "he ll", "hell o", "Ġ w", "Ġw o", "r l", "Ġwo rl", "Ġworl d"));
        md.put("tokenizer.ggml.bos_token_id", (long) END_OF_TEXT);
        md.put("tokenizer.ggml.eos_token_id", (long) IM_END);
        return md;
    }

    private final Tokenizer tokenizer = Tokenizer.fromGguf(metadata("qwen2"));

    @Test
    void mergesByRankAcrossPreTokenizedWords() {
        assertArrayEquals(new int[] {HELLO, SPACE_WORLD}, tokenizer.encode("hello world"));
        assertArrayEquals(new int[] {256, 'l'}, tokenizer.encode("hel"), "'h e' ranks before 'l l'");
        assertArrayEquals(new int[] {'h', ' ', 'e', 257, 'o'}, tokenizer.encode("h ello"), "no merge across words");
    }

    @Test
    void mapsSpacesAndControlBytesThroughByteLevelCharacters() {
        int[] ids = tokenizer.encode(" \n");
        assertArrayEquals(new int[] {' ', '\n'}, ids);
        assertEquals("Ġ", tokenizer.tokenText(' '));
        assertEquals("Ċ", tokenizer.tokenText('\n'));
        assertEquals(" \n", tokenizer.decode(ids));
    }

    @Test
    void roundTripsChineseEmojiAndMixedText() {
        for (String s : List.of("hello world", "你好，世界", "emoji 😀👍🏽 ok", "tabs\tand\r\nnewlines", "  two  spaces ", "数字 12345")) {
            assertEquals(s, tokenizer.decode(tokenizer.encode(s)), s);
        }
    }

    @Test
    void encodesUnmergedMultiByteCharactersAsByteTokens() {
        byte[] utf8 = "你".getBytes(StandardCharsets.UTF_8);
        int[] ids = tokenizer.encode("你");
        assertArrayEquals(new int[] {utf8[0] & 0xFF, utf8[1] & 0xFF, utf8[2] & 0xFF}, ids);
    }

    @Test
    void streamDecoderEmitsOnlyCompleteCharacters() {
        StreamDecoder decoder = tokenizer.newStreamDecoder();
        List<String> out = new ArrayList<>();
        for (int id : tokenizer.encode("你😀")) {
            out.add(decoder.feed(id));
        }
        out.add(decoder.flush());
        assertEquals(List.of("", "", "你", "", "", "", "😀", ""), out);
    }

    @Test
    void parsesSpecialTokensVerbatimOnlyWhenAsked() {
        String text = "<|im_start|>hello world<|im_end|>";
        assertArrayEquals(new int[] {IM_START, HELLO, SPACE_WORLD, IM_END}, tokenizer.encode(text, false, true));
        int[] literal = tokenizer.encode(text, false, false);
        assertFalse(contains(literal, IM_START));
        assertEquals(text, tokenizer.decode(literal));
        assertEquals("hello world", tokenizer.decode(tokenizer.encode(text, false, true)));
    }

    @Test
    void addsBosOnlyWhenAskedAndReportsEndOfGeneration() {
        assertFalse(tokenizer.addBosByDefault(), "gpt2 defaults to no BOS");
        assertEquals(END_OF_TEXT, tokenizer.encode("hello", true, false)[0]);
        assertTrue(tokenizer.isEndOfGeneration(IM_END));
        assertTrue(tokenizer.isEndOfGeneration(END_OF_TEXT), "<|endoftext|> is a well-known end of turn");
        assertTrue(tokenizer.isControl(IM_START));
        assertFalse(tokenizer.isEndOfGeneration(HELLO));
    }

    @Test
    void honoursAddBosTokenMetadata() {
        Map<String, Object> md = metadata("llama-bpe");
        md.put("tokenizer.ggml.add_bos_token", true);
        Tokenizer t = Tokenizer.fromGguf(md);
        assertTrue(t.addBosByDefault());
        assertArrayEquals(new int[] {HELLO, SPACE_WORLD}, t.encode("hello world"));
    }

    @Test
    void rejectsUnknownPreTokenizerByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tokenizer.fromGguf(metadata("no-such-pre")));
        assertTrue(e.getMessage().contains("no-such-pre"));
    }

    @Test
    void encodesALargeVocabularyInLinearishTime() {
        // 4096 merges that build runs of 'a': the queue-based merge must not degrade to quadratic rescans
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(ByteLevel.encode(new byte[] {(byte) b}));
        }
        List<String> merges = new ArrayList<>();
        String run = "a";
        for (int len = 2; len <= 64; len *= 2) {
            merges.add(run + " " + run);
            run = run + run;
            tokens.add(run);
        }
        Map<String, Object> md = new HashMap<>();
        md.put("tokenizer.ggml.model", "gpt2");
        md.put("tokenizer.ggml.tokens", tokens);
        md.put("tokenizer.ggml.merges", merges);
        Tokenizer t = Tokenizer.fromGguf(md);
        String text = "a".repeat(64 * 1000);
        int[] ids = t.encode(text);
        assertEquals(1000, ids.length);
        assertEquals(text, t.decode(ids));
    }

    private static boolean contains(int[] ids, int id) {
        for (int x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }
}
