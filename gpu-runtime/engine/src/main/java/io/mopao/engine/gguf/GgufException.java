package io.mopao.engine.gguf;

/** A GGUF file is truncated, corrupt or uses something this engine does not support; the message is one line. */
public class GgufException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GgufException(String message) {
        super(oneLine(message));
    }

    public GgufException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** Names from a corrupt file may hold control characters: escape them so the message stays one line. */
    private static String oneLine(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
