package io.mopao.engine.serving;

/**
 * Where a request's time went, in nanoseconds from its submission.
 *
 * @param queuedNanos       until it was first scheduled
 * @param firstTokenNanos   until its first token was sampled (time to first token); -1 when none was
 * @param totalNanos        until it finished
 * @param preemptions       how often its KV was freed to make room and recomputed later
 */
public record Timings(long queuedNanos, long firstTokenNanos, long totalNanos, int preemptions) {
}
