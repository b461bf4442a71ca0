package io.mopao.engine.serving.scheduler;

/**
 * One sequence's share of a step: compute positions {@code start .. start + numNew - 1} (tokens
 * {@code seq.tokens()[start ..]}) with KV addressed through {@code blockTable}.
 *
 * @param seq        the sequence
 * @param start      the first position to compute (positions before it have KV in the cache)
 * @param numNew     how many positions
 * @param blockTable the sequence's block ids, in position order, after this step's allocation
 * @param sample     whether this step reaches the last known token, so its logits pick the next token
 */
public record ScheduledSequence(Sequence seq, int start, int numNew, int[] blockTable, boolean sample) {
}
