package io.mopao.engine.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The token table read from GGUF metadata: texts, scores, types, a text-to-id index and the special ids.
 * Immutable after construction.
 */
final class Vocabulary {
    /** Texts of tokens that end generation in the common chat formats, besides the declared EOS/EOT/EOM. */
    private static final Set<String> END_OF_TURN_TEXTS = Set.of(
            "<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>", "</s>");

    final String[] texts;          // [vocabSize]
    final float[] scores;          // [vocabSize], 0 when the model stores none
    final TokenType[] types;       // [vocabSize]
    final Map<String, Integer> ids; // token text -> id (first id wins on duplicates)
    final int bos;
    final int eos;
    final int unknown;
    final boolean[] endOfGeneration; // [vocabSize]

    Vocabulary(Metadata metadata) {
        List<?> tokenList = metadata.list("tokenizer.ggml.tokens");
        if (tokenList == null || tokenList.isEmpty()) {
            throw new IllegalArgumentException("GGUF metadata lacks tokenizer.ggml.tokens");
        }
        int n = tokenList.size();
        texts = new String[n];
        for (int i = 0; i < n; i++) {
            if (!(tokenList.get(i) instanceof String s)) {
                throw new IllegalArgumentException("tokenizer.ggml.tokens[" + i + "] is not a string");
            }
            texts[i] = s;
        }
        scores = new float[n];
        List<?> scoreList = metadata.list("tokenizer.ggml.scores");
        if (scoreList != null) {
            requireSize("tokenizer.ggml.scores", scoreList, n);
            for (int i = 0; i < n; i++) {
                scores[i] = ((Number) scoreList.get(i)).floatValue();
            }
        }
        types = new TokenType[n];
        List<?> typeList = metadata.list("tokenizer.ggml.token_type");
        if (typeList != null) {
            requireSize("tokenizer.ggml.token_type", typeList, n);
        }
        for (int i = 0; i < n; i++) {
            types[i] = typeList == null ? TokenType.NORMAL : TokenType.fromCode(((Number) typeList.get(i)).longValue());
        }
        ids = HashMap.newHashMap(n);
        for (int i = 0; i < n; i++) {
            ids.putIfAbsent(texts[i], i);
        }
        bos = metadata.tokenId("tokenizer.ggml.bos_token_id", n);
        eos = metadata.tokenId("tokenizer.ggml.eos_token_id", n);
        unknown = metadata.tokenId("tokenizer.ggml.unknown_token_id", n);
        endOfGeneration = new boolean[n];
        for (String key : List.of("tokenizer.ggml.eos_token_id", "tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id")) {
            int id = metadata.tokenId(key, n);
            if (id >= 0) {
                endOfGeneration[id] = true;
            }
        }
        for (int i = 0; i < n; i++) {
            if ((types[i] == TokenType.CONTROL || types[i] == TokenType.USER_DEFINED) && END_OF_TURN_TEXTS.contains(texts[i])) {
                endOfGeneration[i] = true;
            }
        }
    }

    int size() {
        return texts.length;
    }

    /** The id of a token text, or -1. */
    int id(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }

    void check(int id) {
        if (id < 0 || id >= texts.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + texts.length + " tokens");
        }
    }

    private static void requireSize(String key, List<?> list, int n) {
        if (list.size() != n) {
            throw new IllegalArgumentException(key + " has " + list.size() + " entries but tokenizer.ggml.tokens has " + n);
        }
    }
}
