package io.mopao.events.dialogue;

import io.mopao.events.MopaoEvent;

/**
 * A piece of a streamed reply (at most ~50 ms or 16 tokens).
 *
 * @param turnId turn
 * @param sessionId session; the record key
 * @param attemptId id of this generation attempt; a new attempt (after a worker died) supersedes older ones
 * @param seq 0-based chunk number within the attempt
 * @param text the new text (valid UTF-8, stop strings never included)
 * @param tokenCount tokens in this chunk
 */
public record TokenChunk(String turnId, String sessionId, String attemptId, int seq, String text, int tokenCount)
    implements MopaoEvent {

    @Override
    public String key() {
        return sessionId;
    }
}
