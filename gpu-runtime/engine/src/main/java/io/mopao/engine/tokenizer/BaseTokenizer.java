package io.mopao.engine.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What both tokenizer kinds share: the vocabulary, splitting the input on special-token texts, BOS, and decoding
 * through per-token byte strings.
 */
abstract class BaseTokenizer implements Tokenizer {
    private static final byte[] EMPTY = new byte[0];

    protected final Vocabulary vocab;
    private final boolean addBos;
    /** First char of a special token's text -> candidate ids, longest text first. Control/unknown need parseSpecial. */
    private final Map<Character, int[]> specialsByFirstChar;
    /** Whether any special token starts with a char: a cheap pre-check per input char. [65536] */
    private final boolean[] specialFirstChar = new boolean[Character.MAX_VALUE + 1];
    /** Bytes each token decodes to in normal output (control tokens: none). [vocabSize] */
    private byte[][] pieceBytes;

    BaseTokenizer(Metadata metadata, boolean addBosDefault) {
        this.vocab = new Vocabulary(metadata);
        this.addBos = metadata.bool("tokenizer.ggml.add_bos_token", addBosDefault);
        Map<Character, List<Integer>> grouped = new HashMap<>();
        for (int id = 0; id < vocab.size(); id++) {
            TokenType type = vocab.types[id];
            String text = vocab.texts[id];
            boolean special = type == TokenType.CONTROL || type == TokenType.USER_DEFINED || type == TokenType.UNKNOWN;
            if (special && !text.isEmpty()) {
                grouped.computeIfAbsent(text.charAt(0), c -> new ArrayList<>()).add(id);
            }
        }
        specialsByFirstChar = new HashMap<>();
        grouped.forEach((c, list) -> {
            list.sort(Comparator.comparingInt((Integer id) -> -vocab.texts[id].length()).thenComparingInt(id -> id));
            specialsByFirstChar.put(c, list.stream().mapToInt(Integer::intValue).toArray());
            specialFirstChar[c] = true;
        });
    }

    /** Must be called at the end of the subclass constructor, once its decoding tables exist. */
    protected final void initPieceBytes() {
        pieceBytes = new byte[vocab.size()][];
        for (int id = 0; id < vocab.size(); id++) {
            TokenType type = vocab.types[id];
            pieceBytes[id] = switch (type) {
                case CONTROL, UNUSED -> EMPTY;
                case UNKNOWN -> "\uFFFD".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                default -> decodePiece(id);
            };
        }
    }

    /** The bytes a non-control token stands for. */
    protected abstract byte[] decodePiece(int id);

    /**
     * Encodes one run of text that contains no special token.
     *
     * @param text the run
     * @param atStart whether the run begins the input or follows a special token
     * @param out where ids go
     */
    protected abstract void encodeRun(String text, boolean atStart, IntList out);

    /** Whether decoding removes a leading space produced by a SentencePiece dummy prefix. */
    abstract boolean stripsDummyPrefix();

    final byte[] pieceBytes(int id) {
        vocab.check(id);
        return pieceBytes[id];
    }

    @Override
    public int[] encode(String text, boolean addBosToken, boolean parseSpecial) {
        if (text == null) {
            throw new IllegalArgumentException("text to encode is null");
        }
        IntList out = new IntList(text.length() / 3 + 2);
        if (addBosToken && vocab.bos >= 0) {
            out.add(vocab.bos);
        }
        int runStart = 0;
        boolean atStart = true;
        int i = 0;
        while (i < text.length()) {
            int special = matchSpecial(text, i, parseSpecial);
            if (special < 0) {
                i++;
                continue;
            }
            if (i > runStart) {
                encodeRun(text.substring(runStart, i), atStart, out);
            }
            out.add(special);
            atStart = true;
            i += vocab.texts[special].length();
            runStart = i;
        }
        if (runStart < text.length()) {
            encodeRun(text.substring(runStart), atStart, out);
        }
        return out.toArray();
    }

    /** The longest special token whose text starts at {@code pos}, or -1. */
    private int matchSpecial(String text, int pos, boolean parseSpecial) {
        char first = text.charAt(pos);
        if (!specialFirstChar[first]) {
            return -1;
        }
        int[] candidates = specialsByFirstChar.get(first);
        for (int id : candidates) {
            if (!parseSpecial && vocab.types[id] != TokenType.USER_DEFINED) {
                continue;
            }
            String s = vocab.texts[id];
            if (text.startsWith(s, pos)) {
                return id;
            }
        }
        return -1;
    }

    @Override
    public String decode(int[] ids) {
        StreamDecoder decoder = new StreamDecoder(this, true);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(decoder.feed(id));
        }
        return sb.append(decoder.flush()).toString();
    }

    @Override
    public StreamDecoder newStreamDecoder() {
        return new StreamDecoder(this, false);
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int bosId() {
        return vocab.bos;
    }

    @Override
    public int eosId() {
        return vocab.eos;
    }

    @Override
    public boolean addBosByDefault() {
        return addBos && vocab.bos >= 0;
    }

    @Override
    public String tokenText(int id) {
        vocab.check(id);
        return vocab.texts[id];
    }

    @Override
    public int tokenId(String text) {
        return vocab.id(text);
    }

    @Override
    public TokenType tokenType(int id) {
        vocab.check(id);
        return vocab.types[id];
    }

    @Override
    public boolean isControl(int id) {
        return tokenType(id) == TokenType.CONTROL;
    }

    @Override
    public boolean isEndOfGeneration(int id) {
        vocab.check(id);
        return vocab.endOfGeneration[id];
    }
}
