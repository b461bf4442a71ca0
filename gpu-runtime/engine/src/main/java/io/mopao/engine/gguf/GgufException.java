package io.mopao.engine.gguf;

/** A GGUF file is truncated, corrupt or uses something this engine does not support; the message is one line. */
public class GgufException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GgufException(String message) {
        super(message);
    }

    public GgufException(String message, Throwable cause) {
        super(message, cause);
    }
}
