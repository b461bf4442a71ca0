package io.mopao.story.prompt;

/**
 * Counts the tokens of prompt text for the context budget. {@link #ESTIMATE} is the tokenizer-free estimate
 * ({@link TokenEstimator}); {@code io.mopao.story.service.ModelTokens} counts with the served model's own tokenizer.
 */
public interface TokenCounter {

    /** The tokenizer-free estimate. */
    TokenCounter ESTIMATE = new TokenCounter() {
        @Override
        public int count(String text) {
            return TokenEstimator.estimate(text);
        }

        @Override
        public String description() {
            return "estimate (CJK 1 token/char, otherwise 4 chars/token)";
        }
    };

    /** Tokens of a text (no BOS, no template markers). */
    int count(String text);

    /** What counts, for logs and the prompt inspector. */
    String description();

    /** Tokens of a prompt segment: its content plus the chat template's role markers. */
    default int segment(String content) {
        return TokenEstimator.SEGMENT_OVERHEAD + count(content);
    }
}
