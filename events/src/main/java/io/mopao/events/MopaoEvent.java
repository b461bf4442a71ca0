package io.mopao.events;

/**
 * The body of an event. Each event record names the Kafka key it is published under; the envelope's type and schema
 * version come from the {@link EventType} registered for the record's class.
 */
public interface MopaoEvent {

    /** The record key on the event's topic (for example the character or session id). */
    String key();
}
