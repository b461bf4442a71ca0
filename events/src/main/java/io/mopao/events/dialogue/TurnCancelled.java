package io.mopao.events.dialogue;

import io.mopao.events.MopaoEvent;

/**
 * A request to stop a running turn (the player pressed stop, or the session was closed).
 *
 * @param turnId turn to stop
 * @param sessionId session; the record key
 * @param reason why
 */
public record TurnCancelled(String turnId, String sessionId, String reason) implements MopaoEvent {

    @Override
    public String key() {
        return sessionId;
    }
}
