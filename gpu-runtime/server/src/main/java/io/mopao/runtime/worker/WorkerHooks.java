package io.mopao.runtime.worker;

import io.mopao.events.dialogue.TokenChunk;

/**
 * Observation points of a worker, for benchmarks and for tests that must act at a precise moment of a turn (for
 * instance stop a worker while a turn is mid-generation). Production uses {@link #NONE}.
 */
public interface WorkerHooks {
    /** Observes nothing. */
    WorkerHooks NONE = new WorkerHooks() {
    };

    /**
     * Called on the consumer thread before {@link #admitted}, with the moment the poll that brought the turn's record
     * returned: the time between the two is the worker's own admission queue (parsing, templating and tokenizing the
     * records ahead of it in the same poll, and this one's).
     *
     * @param turnId    the turn
     * @param attemptId its attempt
     * @param nanoTime  {@link System#nanoTime()} when the poll returned
     */
    default void polled(String turnId, String attemptId, long nanoTime) {
    }

    /**
     * Called on the consumer thread right before a turn is submitted to the engine (after parsing, the chat template
     * and tokenization).
     *
     * @param turnId    the turn
     * @param attemptId its attempt
     * @param nanoTime  {@link System#nanoTime()} at submission
     */
    default void admitted(String turnId, String attemptId, long nanoTime) {
    }

    /**
     * Called on the inference thread right after a turn's first token was handed to the publisher; whatever this does
     * delays that engine's next step.
     *
     * @param turnId    the turn
     * @param attemptId its attempt
     */
    default void afterFirstToken(String turnId, String attemptId) {
    }

    /**
     * Called on the publisher thread after a chunk was handed to the Kafka producer.
     *
     * @param chunk     the chunk
     * @param nanoTime  {@link System#nanoTime()} when it was created (its last token arrived)
     */
    default void chunkSent(TokenChunk chunk, long nanoTime) {
    }
}
