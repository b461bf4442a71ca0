package io.mopao.engine.tokenizer;

import java.util.Map;

/**
 * Text to token ids and back, for one model's vocabulary. Built from GGUF metadata only; thread-safe
 * (encoding and decoding keep no shared mutable state; each {@link StreamDecoder} belongs to one sequence).
 */
public interface Tokenizer {

    /**
     * Builds the tokenizer a model declares in {@code tokenizer.ggml.model}: {@code llama} (SentencePiece-style,
     * score-ordered merges with byte fallback) or {@code gpt2} (byte-level BPE with ranked merges and the
     * pre-tokenizer named by {@code tokenizer.ggml.pre}).
     *
     * @param metadata GGUF metadata as the GGUF reader maps it
     * @return the tokenizer
     * @throws IllegalArgumentException when the metadata lacks a vocabulary or names an unsupported model or pre-tokenizer
     */
    static Tokenizer fromGguf(Map<String, Object> metadata) {
        Metadata md = new Metadata(metadata);
        String model = md.requireString("tokenizer.ggml.model");
        return switch (model) {
            case "llama" -> new SentencePieceTokenizer(md);
            case "gpt2" -> new ByteLevelBpeTokenizer(md);
            default -> throw new IllegalArgumentException("unsupported tokenizer.ggml.model '" + model
                    + "' (supported: llama, gpt2)");
        };
    }

    /** @return the GGUF tokenizer model name: {@code llama} or {@code gpt2} */
    String model();

    /** @return the number of tokens in the vocabulary */
    int vocabSize();

    /** @return the beginning-of-sequence id, or -1 when the model has none */
    int bosId();

    /** @return the end-of-sequence id, or -1 when the model has none */
    int eosId();

    /** @return whether the model asks for BOS at the start of a prompt ({@code tokenizer.ggml.add_bos_token}) */
    boolean addBosByDefault();

    /**
     * Encodes plain text: no BOS, special-token texts in the input are treated as ordinary text.
     *
     * @param text the text
     * @return token ids
     */
    default int[] encode(String text) {
        return encode(text, false, false);
    }

    /**
     * Encodes text.
     *
     * @param text the text
     * @param addBos put BOS first (ignored when the model has no BOS)
     * @param parseSpecial match the texts of control tokens (e.g. {@code <|im_start|>}) verbatim and emit their ids;
     *                     user-defined tokens are always matched
     * @return token ids
     */
    int[] encode(String text, boolean addBos, boolean parseSpecial);

    /**
     * Decodes a whole sequence from the start of a text: control tokens render as nothing, byte tokens are joined
     * into UTF-8 (invalid or truncated sequences become U+FFFD), and the SentencePiece dummy-prefix space is removed
     * at the start and right after BOS, so {@code decode(encode(s, true, false))} gives {@code s} back.
     *
     * @param ids token ids
     * @return the text
     */
    String decode(int[] ids);

    /**
     * A decoder for one generated stream: emits only complete UTF-8 characters. Removes the dummy-prefix space
     * only from the piece right after a BOS fed to it (a continuation keeps its leading space).
     *
     * @return a new decoder
     */
    StreamDecoder newStreamDecoder();

    /**
     * @param id a token id
     * @return the token's stored text (e.g. {@code ▁the}, {@code <0x0A>}, {@code Ġthe})
     */
    String tokenText(int id);

    /**
     * @param text a token's stored text
     * @return its id, or -1
     */
    int tokenId(String text);

    /**
     * @param id a token id
     * @return its type
     */
    TokenType tokenType(int id);

    /**
     * @param id a token id
     * @return whether it is a control token
     */
    boolean isControl(int id);

    /**
     * @param id a token id
     * @return whether generating it ends the turn: EOS, EOT, EOM, or a control token with a well-known end-of-turn
     *         text ({@code <|eot_id|>}, {@code <|im_end|>}, {@code <end_of_turn>}, ...)
     */
    boolean isEndOfGeneration(int id);
}
