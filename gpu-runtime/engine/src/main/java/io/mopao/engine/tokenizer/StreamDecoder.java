package io.mopao.engine.tokenizer;

import java.util.Arrays;

/**
 * Turns a stream of token ids into text, emitting only complete, valid UTF-8: bytes of a character that spans
 * tokens (byte-fallback {@code <0xE4>} tokens, byte-level BPE pieces) are held until the character is complete.
 * Invalid bytes become U+FFFD. One instance per sequence; not thread-safe.
 */
public final class StreamDecoder {
    private static final char REPLACEMENT = '\uFFFD';

    private final BaseTokenizer tokenizer;
    private byte[] pending = new byte[16];
    private int pendingLength;
    private boolean stripNextSpace;

    StreamDecoder(BaseTokenizer tokenizer, boolean atTextStart) {
        this.tokenizer = tokenizer;
        this.stripNextSpace = atTextStart && tokenizer.stripsDummyPrefix();
    }

    /**
     * Adds one token.
     *
     * @param id the token id
     * @return the text that became complete (possibly empty)
     */
    public String feed(int id) {
        if (id == tokenizer.bosId()) {
            stripNextSpace = tokenizer.stripsDummyPrefix();
            return "";
        }
        byte[] bytes = tokenizer.pieceBytes(id);
        if (bytes.length == 0) {
            return "";
        }
        int from = 0;
        if (stripNextSpace) {
            stripNextSpace = false;
            if (bytes[0] == ' ') {
                from = 1;
            }
        }
        append(bytes, from);
        return drain(false);
    }

    /**
     * Ends the stream: bytes of an unfinished character come out as U+FFFD.
     *
     * @return the remaining text (possibly empty)
     */
    public String flush() {
        return drain(true);
    }

    private void append(byte[] bytes, int from) {
        int add = bytes.length - from;
        if (pendingLength + add > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + add));
        }
        System.arraycopy(bytes, from, pending, pendingLength, add);
        pendingLength += add;
    }

    /** Decodes what is complete; at the end of input ({@code last}) an incomplete tail becomes one U+FFFD. */
    private String drain(boolean last) {
        StringBuilder out = new StringBuilder(pendingLength);
        int i = 0;
        while (i < pendingLength) {
            int b = pending[i] & 0xFF;
            if (b < 0x80) {
                out.append((char) b);
                i++;
                continue;
            }
            int need;
            int cp;
            int lo = 0x80;
            int hi = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
                cp = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                cp = b & 0x0F;
                if (b == 0xE0) {
                    lo = 0xA0;
                } else if (b == 0xED) {
                    hi = 0x9F;
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                cp = b & 0x07;
                if (b == 0xF0) {
                    lo = 0x90;
                } else if (b == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                out.append(REPLACEMENT);
                i++;
                continue;
            }
            int j = i + 1;
            boolean broken = false;
            for (int k = 0; k < need; k++, j++) {
                if (j >= pendingLength) {
                    break;
                }
                int c = pending[j] & 0xFF;
                if (c < lo || c > hi) {
                    broken = true;
                    break;
                }
                lo = 0x80;
                hi = 0xBF;
                cp = (cp << 6) | (c & 0x3F);
            }
            if (broken) {
                out.append(REPLACEMENT);
                i = j;
            } else if (j - i <= need) {
                // incomplete tail: keep it for the next token unless the stream ends
                if (!last) {
                    break;
                }
                out.append(REPLACEMENT);
                i = pendingLength;
            } else {
                out.appendCodePoint(cp);
                i = j;
            }
        }
        System.arraycopy(pending, i, pending, 0, pendingLength - i);
        pendingLength -= i;
        return out.toString();
    }
}
