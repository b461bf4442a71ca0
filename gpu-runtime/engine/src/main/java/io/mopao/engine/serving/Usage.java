package io.mopao.engine.serving;

/**
 * Token counts of one request.
 *
 * @param promptTokens     prompt tokens
 * @param completionTokens generated tokens
 * @param cachedTokens     prompt tokens whose KV came from the prefix cache (not recomputed)
 */
public record Usage(int promptTokens, int completionTokens, int cachedTokens) {
}
