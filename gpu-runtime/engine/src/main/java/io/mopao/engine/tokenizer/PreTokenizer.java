package io.mopao.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, by the regexes of the pre-tokenizer a model names in
 * {@code tokenizer.ggml.pre}. Each regex in turn splits every piece into its matches and the text between them.
 */
final class PreTokenizer {
    private static final String CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
    private static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)";
    private static final String LLAMA3 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String QWEN2 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final String DIGIT = "\\p{N}";

    private final String name;
    private final Pattern[] patterns;
    /** Whether a word that is itself a token skips the merges (llama3). */
    private final boolean wholeWordTokens;

    private PreTokenizer(String name, boolean wholeWordTokens, String... regexes) {
        this.name = name;
        this.wholeWordTokens = wholeWordTokens;
        this.patterns = new Pattern[regexes.length];
        for (int i = 0; i < regexes.length; i++) {
            patterns[i] = Pattern.compile(regexes[i], Pattern.UNICODE_CHARACTER_CLASS);
        }
    }

    /**
     * The pre-tokenizer for a {@code tokenizer.ggml.pre} value.
     *
     * @param pre the value, or null when absent (GPT-2's regex)
     * @return the pre-tokenizer
     */
    static PreTokenizer forName(String pre) {
        String key = pre == null ? "default" : pre;
        return switch (key) {
            case "default", "gpt2", "gpt-2", "mpt", "olmo", "jais" -> new PreTokenizer(key, false, GPT2);
            case "llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral" -> new PreTokenizer(key, true, LLAMA3);
            case "qwen2", "deepseek-r1-qwen", "stablelm2", "megrez" -> new PreTokenizer(key, false, QWEN2);
            case "smollm", "starcoder", "refact", "command-r", "codeshell", "exaone" -> new PreTokenizer(key, false, DIGIT, GPT2);
            default -> throw new IllegalArgumentException("unsupported tokenizer.ggml.pre '" + pre
                    + "' (supported: default/gpt2, llama-bpe/llama3, qwen2, smollm and their aliases)");
        };
    }

    String name() {
        return name;
    }

    boolean wholeWordTokens() {
        return wholeWordTokens;
    }

    List<String> split(String text) {
        List<String> pieces = List.of(text);
        for (Pattern pattern : patterns) {
            List<String> next = new ArrayList<>(pieces.size() * 2);
            for (String piece : pieces) {
                Matcher m = pattern.matcher(piece);
                int last = 0;
                while (m.find()) {
                    if (m.start() > last) {
                        next.add(piece.substring(last, m.start()));
                    }
                    if (m.end() > m.start()) {
                        next.add(m.group());
                    }
                    last = m.end();
                }
                if (last < piece.length()) {
                    next.add(piece.substring(last));
                }
            }
            pieces = next;
        }
        return pieces;
    }
}
