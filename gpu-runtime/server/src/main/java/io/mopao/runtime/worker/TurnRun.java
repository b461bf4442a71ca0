package io.mopao.runtime.worker;

import io.mopao.engine.serving.RequestHandle;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.TokenChunk;
import org.apache.kafka.common.TopicPartition;

/**
 * One attempt at one turn on this worker: where its record came from (for the commit), its attempt id, and the
 * chunk being filled. The chunk buffer is guarded by this object's monitor; {@code seq} is assigned under it, and
 * chunks are handed to the single publisher thread under it, so they go out in order.
 */
final class TurnRun {
    final TopicPartition partition;
    final PartitionOffsets offsets;
    final long offset;
    final GenerateTurn turn;
    final String attemptId;
    final String traceparent;
    final String model;
    final String envelopeId;
    final long polledNanos;
    volatile RequestHandle handle;
    volatile boolean abandoned;
    volatile long firstTokenNanos = -1;
    long lastTokenNanos = -1;

    private final StringBuilder buffer = new StringBuilder();
    private int bufferTokens;
    private long bufferSince = -1;
    private long lastChunkNanos = -1;
    private int nextSeq;
    boolean timerArmed;
    boolean ended;

    TurnRun(TopicPartition partition, PartitionOffsets offsets, long offset, GenerateTurn turn, String attemptId, String traceparent,
            String model, String envelopeId, long polledNanos) {
        this.partition = partition;
        this.offsets = offsets;
        this.offset = offset;
        this.turn = turn;
        this.attemptId = attemptId;
        this.traceparent = traceparent;
        this.model = model;
        this.envelopeId = envelopeId;
        this.polledNanos = polledNanos;
    }

    /** Adds a token's text; caller holds the monitor. */
    void append(String text, long now) {
        if (bufferSince < 0) {
            bufferSince = now;
        }
        if (text != null) {
            buffer.append(text);
        }
        bufferTokens++;
    }

    /** @return whether the buffer holds anything; caller holds the monitor */
    boolean hasBuffered() {
        return bufferTokens > 0 || !buffer.isEmpty();
    }

    /** @return whether the buffer holds text; caller holds the monitor */
    boolean hasText() {
        return !buffer.isEmpty();
    }

    /** @return tokens buffered; caller holds the monitor */
    int bufferedTokens() {
        return bufferTokens;
    }

    /** @return when the oldest buffered token arrived, or -1; caller holds the monitor */
    long bufferSince() {
        return bufferSince;
    }

    /** @return whether no chunk was cut yet (the first one goes out at once: time to first token); caller holds the monitor */
    boolean noChunkYet() {
        return nextSeq == 0;
    }

    /** @return chunks cut so far; caller holds the monitor */
    int chunkCount() {
        return nextSeq;
    }

    /** @return when the last chunk was cut; caller holds the monitor */
    long lastChunkNanos() {
        return lastChunkNanos;
    }

    /** Cuts the buffer into the next chunk; caller holds the monitor. */
    TokenChunk cut(long now) {
        TokenChunk c = new TokenChunk(turn.turnId(), turn.sessionId(), attemptId, nextSeq++, buffer.toString(), bufferTokens);
        buffer.setLength(0);
        bufferTokens = 0;
        bufferSince = -1;
        lastChunkNanos = now;
        return c;
    }
}
