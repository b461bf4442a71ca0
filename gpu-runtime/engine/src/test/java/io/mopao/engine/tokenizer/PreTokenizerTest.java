package io.mopao.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The regex pre-tokenizers named by {@code tokenizer.ggml.pre}. */
class PreTokenizerTest {

    @Test
    void llama3GroupsDigitsByThreeAndKeepsPunctuationWithNewlines() {
        assertEquals(List.of("Hello", " world", "'s", " ", "202", "4", "!!\n\n", "Bye"),
                PreTokenizer.forName("llama-bpe").split("Hello world's 2024!!\n\nBye"));
    }

    @Test
    void qwen2SplitsEveryDigit() {
        assertEquals(List.of("abc", " ", "1", "2", "3", "4"), PreTokenizer.forName("qwen2").split("abc 1234"));
    }

    @Test
    void smollmIsolatesDigitsBeforeTheGpt2Regex() {
        assertEquals(List.of("x", " ", "1", "2", " apples"), PreTokenizer.forName("smollm").split("x 12 apples"));
    }

    @Test
    void gpt2KeepsLeadingSpaceWithWordsAndNumbers() {
        assertEquals(List.of("I", "'m", " 12", " years", "!"), PreTokenizer.forName(null).split("I'm 12 years!"));
    }

    // Expected splits below were produced independently by Python's `regex` module with the Hugging Face patterns.

    @Test
    void matchesTheReferenceSplitsForCjkDigitsAndEmoji() {
        String text = "数字 12345 和 6789 元！😀👍🏽 emoji";
        assertEquals(List.of("数字", " ", "123", "45", " 和", " ", "678", "9", " 元", "！😀👍🏽", " emoji"),
                PreTokenizer.forName("llama-bpe").split(text));
        assertEquals(List.of("数字", " ", "1", "2", "3", "4", "5", " 和", " ", "6", "7", "8", "9", " 元", "！😀👍🏽", " emoji"),
                PreTokenizer.forName("qwen2").split(text));
        assertEquals(List.of("数字", " 12345", " 和", " 6789", " 元", "！😀👍🏽", " emoji"), PreTokenizer.forName("gpt2").split(text));
    }

    @Test
    void matchesTheReferenceSplitsForLineBreaks() {
        String text = "line1\r\nline2\n\n\n  indented\n";
        assertEquals(List.of("line", "1", "\r\n", "line", "2", "\n\n\n", " ", " indented", "\n"),
                PreTokenizer.forName("llama-bpe").split(text));
        assertEquals(List.of("line", "1", "\r", "\n", "line", "2", "\n\n\n ", " indented", "\n"),
                PreTokenizer.forName("smollm").split(text));
        assertEquals(List.of("   \n   \n", " x"), PreTokenizer.forName("qwen2").split("   \n   \n x"));
    }

    @Test
    void matchesContractionsCaseInsensitivelyOnlyInLlama3() {
        assertEquals(List.of("I", "'M", " here"), PreTokenizer.forName("llama-bpe").split("I'M here"));
        assertEquals(List.of("I", "'", "M", " here"), PreTokenizer.forName("gpt2").split("I'M here"));
    }

    @Test
    void keepsTrailingWhitespaceRunsApartFromTheNextWord() {
        assertEquals(List.of("a", "  ", " b"), PreTokenizer.forName("gpt2").split("a   b"));
    }
}
