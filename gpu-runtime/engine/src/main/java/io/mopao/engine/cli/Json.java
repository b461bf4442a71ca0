package io.mopao.engine.cli;

import java.util.Locale;

/** A tiny JSON object writer for the CLI's one-line outputs. */
final class Json {
    private final StringBuilder sb = new StringBuilder("{");
    private boolean first = true;

    private Json key(String k) {
        if (!first) {
            sb.append(',');
        }
        first = false;
        quote(sb, k);
        sb.append(':');
        return this;
    }

    Json put(String k, String v) {
        key(k);
        quote(sb, v);
        return this;
    }

    Json put(String k, long v) {
        key(k).sb.append(v);
        return this;
    }

    Json put(String k, double v) {
        key(k);
        if (Double.isFinite(v)) {
            sb.append(String.format(Locale.ROOT, "%.3f", v));
        } else {
            sb.append("null");
        }
        return this;
    }

    Json put(String k, int[] v) {
        key(k).sb.append('[');
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(v[i]);
        }
        sb.append(']');
        return this;
    }

    Json putRaw(String k, String json) {
        key(k).sb.append(json);
        return this;
    }

    @Override
    public String toString() {
        return sb + "}";
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
