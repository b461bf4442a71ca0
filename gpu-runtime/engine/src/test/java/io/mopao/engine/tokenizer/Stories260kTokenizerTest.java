package io.mopao.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.engine.gguf.GgufFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SentencePiece tokenizer on the real stories260K vocabulary, against llama2.c's reference token ids. */
class Stories260kTokenizerTest {
    private static final Pattern PROMPT = Pattern.compile("\"prompt\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern IDS = Pattern.compile("\"prompt_token_ids\":\\s*\\[([0-9,\\s]*)]");
    private static final Pattern GENERATED = Pattern.compile("\"generated_token_ids\":\\s*\\[([0-9,\\s]*)]");
    private static final Pattern TEXT = Pattern.compile("\"text\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizer.fromGguf(TestGguf.metadata(TestGguf.sharedModel("stories260K.gguf")));
    }

    @Test
    void readsVocabularyAndSpecialIdsFromMetadata() {
        assertEquals("llama", tokenizer.model());
        assertEquals(512, tokenizer.vocabSize());
        assertEquals(1, tokenizer.bosId());
        assertEquals(2, tokenizer.eosId());
        assertTrue(tokenizer.addBosByDefault());
        assertTrue(tokenizer.isControl(1));
        assertTrue(tokenizer.isEndOfGeneration(2));
        assertFalse(tokenizer.isControl(403));
    }

    @Test
    void buildsTheSameTokenizerFromTheEngineGgufReader() {
        try (GgufFile file = GgufFile.open(TestGguf.sharedModel("stories260K.gguf"))) {
            Tokenizer fromReader = Tokenizer.fromGguf(file.metadata());
            assertEquals(512, fromReader.vocabSize());
            assertEquals(1, fromReader.bosId());
            assertArrayEquals(new int[] {1, 403, 407, 261, 378}, fromReader.encode("Once upon a time", true, false));
            assertEquals("Once upon a time", fromReader.decode(new int[] {1, 403, 407, 261, 378}));
        }
    }

    @Test
    void encodesOnceUponATimeLikeLlama2c() {
        assertArrayEquals(new int[] {1, 403, 407, 261, 378}, tokenizer.encode("Once upon a time", true, false));
        assertArrayEquals(new int[] {403, 407, 261, 378}, tokenizer.encode("Once upon a time"));
    }

    @Test
    void encodesEveryReferencePromptLikeLlama2c() throws IOException {
        List<String> lines = Files.readAllLines(TestGguf.sharedModel("stories260K-reference-greedy.jsonl"), StandardCharsets.UTF_8);
        int checked = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String prompt = jsonString(find(PROMPT, line));
            int[] expected = ints(find(IDS, line));
            assertArrayEquals(expected, tokenizer.encode(prompt, true, false), "prompt: " + prompt);
            assertEquals(prompt, tokenizer.decode(expected));
            checked++;
        }
        assertEquals(3, checked);
    }

    @Test
    void streamsReferenceGenerationsToTheirText() throws IOException {
        List<String> lines = Files.readAllLines(TestGguf.sharedModel("stories260K-reference-greedy.jsonl"), StandardCharsets.UTF_8);
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            int[] generated = ints(find(GENERATED, line));
            String expected = jsonString(find(TEXT, line));
            assertEquals(expected, streamAll(generated));
        }
    }

    @Test
    void fallsBackToByteTokensForCharactersOutsideTheVocabulary() {
        int[] ids = tokenizer.encode("Hi 猫");
        String chinese = new String(new byte[] {(byte) 0xE7, (byte) 0x8C, (byte) 0xAB}, StandardCharsets.UTF_8);
        assertEquals("猫", chinese);
        int e7 = tokenizer.tokenId("<0xE7>");
        int x8c = tokenizer.tokenId("<0x8C>");
        int xab = tokenizer.tokenId("<0xAB>");
        int n = ids.length;
        assertArrayEquals(new int[] {e7, x8c, xab}, new int[] {ids[n - 3], ids[n - 2], ids[n - 1]});
        assertEquals(" Hi 猫", streamAll(ids));
        assertEquals("Hi 猫", tokenizer.decode(ids));
    }

    private static String streamAll(int[] ids) {
        StreamDecoder decoder = tokenizer.newStreamDecoder();
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(decoder.feed(id));
        }
        return sb.append(decoder.flush()).toString();
    }

    private static String find(Pattern p, String line) {
        Matcher m = p.matcher(line);
        assertTrue(m.find(), "reference line lacks " + p);
        return m.group(1);
    }

    private static int[] ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(Integer.parseInt(s.trim()));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String jsonString(String escaped) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = escaped.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(escaped.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }
}
