package io.mopao.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.PriorityQueue;

/**
 * GPT-2 style byte-level BPE ({@code tokenizer.ggml.model = gpt2}): the pre-tokenizer splits text into words, each
 * word's UTF-8 bytes become byte-level characters, and adjacent symbols merge by the rank of the pair in
 * {@code tokenizer.ggml.merges} (lowest rank first, leftmost on ties).
 */
final class ByteLevelBpeTokenizer extends BaseTokenizer {
    private final PreTokenizer preTokenizer;
    /** (left id, right id) -> rank << 32 | merged id. */
    private final PairMap merges;
    /** Byte value -> id of the token for its byte-level character, or -1. [256] */
    private final int[] byteTokens = new int[256];

    ByteLevelBpeTokenizer(Metadata metadata) {
        super(metadata, false);
        this.preTokenizer = PreTokenizer.forName(metadata.string("tokenizer.ggml.pre", null));
        List<?> mergeList = metadata.list("tokenizer.ggml.merges");
        if (mergeList == null) {
            throw new IllegalArgumentException("GGUF metadata lacks tokenizer.ggml.merges, which a gpt2 tokenizer needs");
        }
        merges = new PairMap(mergeList.size());
        for (int rank = 0; rank < mergeList.size(); rank++) {
            if (!(mergeList.get(rank) instanceof String merge)) {
                throw new IllegalArgumentException("tokenizer.ggml.merges[" + rank + "] is not a string");
            }
            int space = merge.indexOf(' ', 1);
            if (space < 0) {
                throw new IllegalArgumentException("tokenizer.ggml.merges[" + rank + "] = '" + merge + "' is not 'left right'");
            }
            String left = merge.substring(0, space);
            String right = merge.substring(space + 1);
            int leftId = vocab.id(left);
            int rightId = vocab.id(right);
            int mergedId = vocab.id(left + right);
            if (leftId >= 0 && rightId >= 0 && mergedId >= 0) {
                merges.putIfAbsent(leftId, rightId, ((long) rank << 32) | mergedId);
            }
        }
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = vocab.id(String.valueOf(ByteLevel.charOf(b)));
        }
        initPieceBytes();
    }

    @Override
    public String model() {
        return "gpt2";
    }

    /** @return the pre-tokenizer in use, by its {@code tokenizer.ggml.pre} name */
    String preTokenizerName() {
        return preTokenizer.name();
    }

    @Override
    boolean stripsDummyPrefix() {
        return false;
    }

    @Override
    protected byte[] decodePiece(int id) {
        String text = vocab.texts[id];
        if (vocab.types[id] == TokenType.USER_DEFINED) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            int b = ByteLevel.byteOf(text.charAt(i));
            if (b >= 0) {
                out.write(b);
            } else {
                // not a byte-level character: the token stores raw text
                int cp = text.codePointAt(i);
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp) - 1;
            }
        }
        return out.toByteArray();
    }

    @Override
    protected void encodeRun(String run, boolean atStart, IntList out) {
        for (String word : preTokenizer.split(run)) {
            encodeWord(ByteLevel.encode(word.getBytes(StandardCharsets.UTF_8)), out);
        }
    }

    private void encodeWord(String word, IntList out) {
        if (preTokenizer.wholeWordTokens()) {
            int whole = vocab.id(word);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        // 1. one symbol per byte-level character (each stands for one byte)
        int n = word.length();
        int[] ids = new int[n];
        int[] length = new int[n]; // in bytes; 0 = merged away
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = byteTokens[ByteLevel.byteOf(word.charAt(i))];
            length[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // 2. apply the best-ranked merge among adjacent pairs until none applies
        PriorityQueue<Bigram> queue = new PriorityQueue<>(Math.max(n, 1));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, ids, length, i, i + 1);
        }
        while (!queue.isEmpty()) {
            Bigram best = queue.poll();
            int l = best.left;
            int r = best.right;
            if (length[l] == 0 || length[r] == 0 || length[l] + length[r] != best.length || next[l] != r) {
                continue;
            }
            ids[l] = best.mergedId;
            length[l] += length[r];
            length[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            if (prev[l] >= 0) {
                offer(queue, ids, length, prev[l], l);
            }
            if (next[l] >= 0) {
                offer(queue, ids, length, l, next[l]);
            }
        }
        // 3. emit the symbols
        for (int i = n == 0 ? -1 : 0; i >= 0; i = next[i]) {
            if (ids[i] >= 0) {
                out.add(ids[i]);
            } else if (vocab.unknown >= 0) {
                out.add(vocab.unknown);
            } else {
                throw new IllegalArgumentException("cannot encode byte-level character '" + word.charAt(i)
                        + "': the vocabulary has no token for it and no <unk>");
            }
        }
    }

    private void offer(PriorityQueue<Bigram> queue, int[] ids, int[] length, int left, int right) {
        if (ids[left] < 0 || ids[right] < 0) {
            return;
        }
        long merge = merges.get(ids[left], ids[right]);
        if (merge >= 0) {
            queue.add(new Bigram(left, right, (int) (merge >>> 32), (int) merge, length[left] + length[right]));
        }
    }

    /** A candidate merge of two adjacent symbols; better = lower rank, then further left. */
    private record Bigram(int left, int right, int rank, int mergedId, int length) implements Comparable<Bigram> {
        @Override
        public int compareTo(Bigram o) {
            int c = Integer.compare(rank, o.rank);
            return c != 0 ? c : Integer.compare(left, o.left);
        }
    }
}
