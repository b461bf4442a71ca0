package io.mopao.engine.tokenizer;

/**
 * Token types as stored in GGUF {@code tokenizer.ggml.token_type} (the llama.cpp numbering).
 */
public enum TokenType {
    /** 0: no type recorded; treated like {@link #NORMAL}. */
    UNDEFINED,
    /** 1: ordinary text piece. */
    NORMAL,
    /** 2: the unknown token. */
    UNKNOWN,
    /** 3: control token (BOS, EOS, chat markers): never produced from plain text, renders as nothing. */
    CONTROL,
    /** 4: user-defined token: always matched verbatim in the text, renders as its text. */
    USER_DEFINED,
    /** 5: unused slot. */
    UNUSED,
    /** 6: byte-fallback token {@code <0xNN>}. */
    BYTE;

    /**
     * The type for a GGUF code; unknown codes are rejected.
     *
     * @param code the stored value
     * @return the type
     */
    public static TokenType fromCode(long code) {
        if (code < 0 || code >= values().length) {
            throw new IllegalArgumentException("unknown token type code " + code + " in tokenizer.ggml.token_type");
        }
        return values()[(int) code];
    }
}
