package io.mopao.story.prompt;

/**
 * A cheap, tokenizer-free token estimate used for budgeting in story-engine (the runtime owns the exact count and the
 * exact budget). CJK ideographs, kana and hangul count one token each (BPE vocabularies of the default models give them
 * about one); everything else counts one token per four characters, rounded up. Every segment adds a fixed overhead
 * for the chat template's role markers.
 */
public final class TokenEstimator {

    /** Template overhead per message (role markers, separators). */
    public static final int SEGMENT_OVERHEAD = 4;

    /** Once per prompt: BOS and the open reply turn the runtime appends (e.g. {@code "\nLily:"}). */
    public static final int PROMPT_OVERHEAD = 8;

    private TokenEstimator() {
    }

    /** Estimated tokens of a text. */
    public static int estimate(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int cjk = 0;
        int other = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isCjk(cp)) {
                cjk++;
            } else {
                other++;
            }
        }
        return cjk + (other + 3) / 4;
    }

    /** Estimated tokens of a prompt segment's content plus its template overhead. */
    public static int estimateSegment(String content) {
        return SEGMENT_OVERHEAD + estimate(content);
    }

    static boolean isCjk(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
            || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL;
    }
}
