package io.mopao.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * CloudEvents 1.0 structured envelope (JSON) with Mopao's extension attributes {@code schemaversion} and
 * {@code traceparent} (W3C trace context).
 *
 * @param specversion always {@code 1.0}
 * @param id unique event id; consumers are idempotent on it
 * @param source the producing service, e.g. {@code /mopao/character-service}
 * @param type the {@link EventType#ceType()}
 * @param subject the entity the event is about (character id, session id, ...)
 * @param time when the change happened
 * @param schemaVersion version of the data schema
 * @param datacontenttype always {@code application/json}
 * @param traceparent W3C trace context of the request that caused the event, if any
 * @param data the event record
 * @param <T> the event record type
 */
@JsonPropertyOrder({"specversion", "id", "source", "type", "subject", "time", "schemaversion", "datacontenttype", "traceparent",
    "data"})
public record EventEnvelope<T extends MopaoEvent>(
    String specversion,
    String id,
    String source,
    String type,
    String subject,
    Instant time,
    @JsonProperty("schemaversion") int schemaVersion,
    String datacontenttype,
    String traceparent,
    T data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
    }

    /** A new envelope with a random id and the current time. */
    public static <T extends MopaoEvent> EventEnvelope<T> of(String source, T data, String traceparent) {
        EventType type = EventType.of(data);
        return new EventEnvelope<>(SPEC_VERSION, UUID.randomUUID().toString(), source, type.ceType(), data.key(), Instant.now(),
            type.schemaVersion(), CONTENT_TYPE, traceparent, data);
    }

    /** The registered type of this envelope. */
    public EventType eventType() {
        return EventType.byCeType(type).orElseThrow();
    }

    /** The Kafka record key. */
    public String key() {
        return data.key();
    }
}
