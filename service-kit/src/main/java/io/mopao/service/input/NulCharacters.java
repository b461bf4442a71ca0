package io.mopao.service.input;

import com.fasterxml.jackson.databind.JsonNode;
import io.mopao.service.error.ApiException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The NUL character (U+0000) is refused wherever a request carries text. PostgreSQL stores it neither in {@code text}
 * ("invalid byte sequence for encoding UTF8: 0x00") nor in {@code jsonb} ("unsupported Unicode escape sequence"), so
 * text holding it fails as a 500 when written, or — stored inside a JSON document kept as text — breaks every later query
 * that casts such rows to {@code jsonb}, for every user. No role-play text needs it.
 */
public final class NulCharacters {

    /** The error code of every refusal. */
    public static final String CODE = "nul_character";

    private NulCharacters() {
    }

    /** @return the 400 for text named {@code where} ("the query parameter 'q'", "the request body") that holds a NUL */
    public static ApiException refused(String where) {
        return new ApiException(400, CODE, where + " contains the NUL character (U+0000, \\u0000 in JSON); remove it and send again",
            List.of());
    }

    /** @return the 400 for text named {@code where} that holds half of a UTF-16 surrogate pair without the other half */
    public static ApiException loneSurrogate(String where) {
        return new ApiException(400, "lone_surrogate", where + " contains half of a UTF-16 surrogate pair (\\ud800 to \\udfff"
            + " in JSON) without the other half, which is no character; send both halves of the pair, or the text as UTF-8",
            List.of());
    }

    /** @return whether the text holds a NUL character */
    public static boolean in(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\0') {
                return true;
            }
        }
        return false;
    }

    /** @return whether a string or a field name anywhere in the JSON tree holds a NUL character */
    public static boolean in(JsonNode node) {
        if (node.isTextual()) {
            return in(node.textValue());
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (in(field.getKey()) || in(field.getValue())) {
                return true;
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (in(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Wraps JSON bytes so that reading them fails with {@link #refused} at the first NUL, raw or written as the escape
     * backslash-{@code u0000} (after a backslash that is itself escaped, two backslashes in a row, it is ordinary text).
     *
     * @param json  the JSON text, UTF-8
     * @param where what to call it in the message
     * @return the same bytes, checked as they are read
     */
    public static InputStream checkedJson(InputStream json, String where) {
        return new Scanner(json, where, true);
    }

    /**
     * Wraps text bytes so that reading them fails with {@link #refused} at the first NUL byte.
     *
     * @param text  the text, UTF-8 (in UTF-8 only the NUL character has a zero byte)
     * @param where what to call it in the message
     * @return the same bytes, checked as they are read
     */
    public static InputStream checkedText(InputStream text, String where) {
        return new Scanner(text, where, false);
    }

    /**
     * Scans bytes as they pass. In JSON it also reads every {@code \\uXXXX} escape: an escaped NUL is refused, and so is
     * an escaped UTF-16 surrogate without its pair (a high one not followed at once by an escaped low one, or a low one
     * alone), which Java would keep as a lone {@code char} and PostgreSQL would store as {@code ?}.
     */
    private static final class Scanner extends FilterInputStream {
        private static final int TEXT = 0;
        private static final int ESCAPE = 1;
        private static final int HEX = 2;
        private final String where;
        private final boolean json;
        private int state = TEXT;
        private int digits;
        private int unit;
        /** An escaped high surrogate was just read: the next thing must be an escaped low one. */
        private boolean highPending;

        Scanner(InputStream in, String where, boolean json) {
            super(in);
            this.where = where;
            this.json = json;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                scan((byte) b);
            } else if (highPending) {
                throw loneSurrogate(where);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = 0; i < n; i++) {
                scan(buffer[offset + i]);
            }
            if (n < 0 && highPending) {
                throw loneSurrogate(where);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // read through what is skipped, so that nothing passes unchecked
            long skipped = 0;
            while (skipped < n && read() >= 0) {
                skipped++;
            }
            return skipped;
        }

        private void scan(byte b) {
            if (b == 0) {
                throw refused(where);
            }
            if (!json) {
                return;
            }
            switch (state) {
                case TEXT -> {
                    if (b == '\\') {
                        state = ESCAPE;
                    } else if (highPending) {
                        throw loneSurrogate(where);
                    }
                }
                case ESCAPE -> {
                    if (b == 'u') {
                        state = HEX;
                        digits = 0;
                        unit = 0;
                    } else {
                        state = TEXT; // \\, \", \n, ...: one escaped character, which is not a low surrogate
                        if (highPending) {
                            throw loneSurrogate(where);
                        }
                    }
                }
                case HEX -> {
                    int digit = Character.digit(b, 16);
                    if (digit < 0) {
                        state = TEXT; // not JSON: the parser says so
                        highPending = false;
                        return;
                    }
                    unit = unit << 4 | digit;
                    if (++digits == 4) {
                        state = TEXT;
                        escaped((char) unit);
                    }
                }
                default -> throw new IllegalStateException("scanner state " + state);
            }
        }

        private void escaped(char c) {
            if (highPending) {
                if (!Character.isLowSurrogate(c)) {
                    throw loneSurrogate(where);
                }
                highPending = false;
            } else if (Character.isHighSurrogate(c)) {
                highPending = true;
            } else if (Character.isLowSurrogate(c)) {
                throw loneSurrogate(where);
            } else if (c == 0) {
                throw refused(where);
            }
        }
    }
}
