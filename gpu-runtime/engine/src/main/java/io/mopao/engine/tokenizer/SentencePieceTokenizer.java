package io.mopao.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.PriorityQueue;

/**
 * SentencePiece-style tokenizer ({@code tokenizer.ggml.model = llama}): spaces become {@code ▁}, a dummy-prefix
 * space starts each run of text, adjacent pieces merge greedily by the score of the merged token (highest first,
 * leftmost on ties), and characters the vocabulary lacks fall back to {@code <0xNN>} byte tokens.
 */
final class SentencePieceTokenizer extends BaseTokenizer {
    private static final char SPACE_MARK = '\u2581';

    private final boolean addSpacePrefix;
    /** Byte value -> id of its {@code <0xNN>} token, or -1. [256] */
    private final int[] byteTokens = new int[256];

    SentencePieceTokenizer(Metadata metadata) {
        super(metadata, true);
        this.addSpacePrefix = metadata.bool("tokenizer.ggml.add_space_prefix", true);
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = vocab.id(String.format("<0x%02X>", b));
        }
        initPieceBytes();
    }

    @Override
    public String model() {
        return "llama";
    }

    @Override
    boolean stripsDummyPrefix() {
        return addSpacePrefix;
    }

    @Override
    protected byte[] decodePiece(int id) {
        String text = vocab.texts[id];
        if (vocab.types[id] == TokenType.BYTE) {
            int value = parseByteToken(text);
            if (value >= 0) {
                return new byte[] {(byte) value};
            }
        }
        return text.replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
    }

    private static int parseByteToken(String text) {
        if (text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
            try {
                return Integer.parseInt(text.substring(3, 5), 16);
            } catch (NumberFormatException ignored) {
                return -1;
            }
        }
        return -1;
    }

    @Override
    protected void encodeRun(String run, boolean atStart, IntList out) {
        String text = ((addSpacePrefix && atStart) ? " " + run : run).replace(' ', SPACE_MARK);
        // 1. one symbol per code point, as a doubly linked list over char ranges [start, end)
        int n = text.codePointCount(0, text.length());
        int[] start = new int[n];
        int[] end = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, pos = 0; i < n; i++) {
            start[i] = pos;
            pos += Character.charCount(text.codePointAt(pos));
            end[i] = pos;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // 2. merge the best-scoring adjacent pair until no pair forms a token
        PriorityQueue<Bigram> queue = new PriorityQueue<>(Math.max(n, 1));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, text, start, end, i, i + 1);
        }
        while (!queue.isEmpty()) {
            Bigram best = queue.poll();
            int l = best.left;
            int r = best.right;
            // stale: one side was merged away or grew since this pair was queued
            if (end[l] == start[l] || end[r] == start[r] || end[r] - start[l] != best.length || next[l] != r) {
                continue;
            }
            end[l] = end[r];
            start[r] = end[r]; // empty: merged away
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            if (prev[l] >= 0) {
                offer(queue, text, start, end, prev[l], l);
            }
            if (next[l] >= 0) {
                offer(queue, text, start, end, l, next[l]);
            }
        }
        // 3. emit: a symbol is a token, or its UTF-8 bytes as byte tokens (unknown when those are missing)
        for (int i = n == 0 ? -1 : 0; i >= 0; i = next[i]) {
            String piece = text.substring(start[i], end[i]);
            int id = vocab.id(piece);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
                int byteId = byteTokens[b & 0xFF];
                if (byteId >= 0) {
                    out.add(byteId);
                } else if (vocab.unknown >= 0) {
                    out.add(vocab.unknown);
                    break;
                } else {
                    throw new IllegalArgumentException("cannot encode '" + piece + "': no such token, no byte fallback, no <unk>");
                }
            }
        }
    }

    private void offer(PriorityQueue<Bigram> queue, String text, int[] start, int[] end, int left, int right) {
        int id = vocab.id(text.substring(start[left], end[right]));
        if (id >= 0) {
            queue.add(new Bigram(left, right, vocab.scores[id], end[right] - start[left]));
        }
    }

    /** A candidate merge of two adjacent symbols; better = higher score, then further left. */
    private record Bigram(int left, int right, float score, int length) implements Comparable<Bigram> {
        @Override
        public int compareTo(Bigram o) {
            int c = Float.compare(o.score, score);
            return c != 0 ? c : Integer.compare(left, o.left);
        }
    }
}
