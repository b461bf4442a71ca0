package io.mopao.engine.serving;

/**
 * One generated token of a streamed request.
 *
 * @param requestId the request
 * @param index     0 for the first generated token, then 1, 2, ...
 * @param tokenId   the token
 * @param text      text released by this token (complete UTF-8 characters not held back by a possible stop
 *                  string; often empty), or null when the engine has no tokenizer
 */
public record TokenEvent(String requestId, int index, int tokenId, String text) {
}
