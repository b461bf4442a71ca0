package io.mopao.events.story;

import io.mopao.events.MopaoEvent;
import java.time.Instant;

/**
 * story-engine persisted a generated reply.
 *
 * @param sessionId session; the record key
 * @param turnId turn
 * @param messageId the stored message
 * @param characterId who spoke
 * @param finishReason the runtime's finish reason
 * @param completionTokens generated tokens
 * @param recordedAt when it was stored
 */
public record TurnRecorded(String sessionId, String turnId, String messageId, String characterId, String finishReason,
    int completionTokens, Instant recordedAt) implements MopaoEvent {

    @Override
    public String key() {
        return sessionId;
    }
}
