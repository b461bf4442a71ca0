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

    @Test
    void keepsTrailingWhitespaceRunsApartFromTheNextWord() {
        assertEquals(List.of("a", "  ", " b"), PreTokenizer.forName("gpt2").split("a   b"));
    }
}
