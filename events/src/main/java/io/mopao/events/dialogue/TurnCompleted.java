package io.mopao.events.dialogue;

import io.mopao.events.MopaoEvent;

/**
 * The runtime finished a turn attempt.
 *
 * @param turnId turn
 * @param sessionId session; the record key
 * @param attemptId attempt that produced this completion
 * @param chunkCount number of chunks published in this attempt
 * @param finishReason stop, length, cancelled, timeout or error
 * @param text the whole reply text
 * @param error a message a person can act on, when finishReason is error
 * @param usage token counts
 * @param timings timings in milliseconds
 * @param workerId the worker that ran it
 * @param model the model that ran it
 */
public record TurnCompleted(
    String turnId,
    String sessionId,
    String attemptId,
    int chunkCount,
    String finishReason,
    String text,
    String error,
    Usage usage,
    Timings timings,
    String workerId,
    String model) implements MopaoEvent {

    @Override
    public String key() {
        return sessionId;
    }

    /** Token usage; {@code cachedTokens} prompt tokens were served from the prefix cache. */
    public record Usage(int promptTokens, int completionTokens, int cachedTokens) {
    }

    /** Queue wait, time to first token, total time, and generation speed. */
    public record Timings(long queueMs, long timeToFirstTokenMs, long totalMs, double tokensPerSecond) {
    }
}
