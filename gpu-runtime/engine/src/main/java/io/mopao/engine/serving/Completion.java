package io.mopao.engine.serving;

/**
 * The end of one request.
 *
 * @param requestId the request
 * @param reason    why it ended
 * @param tokens    the generated token ids (an end-of-generation or stop token that ended it included)
 * @param text      the generated text up to any stop string, or null when the engine has no tokenizer
 * @param stop      the stop string that ended it, or null
 * @param usage     token counts
 * @param timings   timings
 * @param error     what went wrong when {@code reason} is ERROR, else null
 */
public record Completion(String requestId, FinishReason reason, int[] tokens, String text, String stop, Usage usage, Timings timings,
                         String error) {
}
