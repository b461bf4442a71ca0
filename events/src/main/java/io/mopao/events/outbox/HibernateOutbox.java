package io.mopao.events.outbox;

import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.MopaoEvent;
import io.smallrye.mutiny.Uni;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The outbox for Hibernate Reactive (Panache) services: the insert runs on the session's connection, in the same
 * transaction as the entity changes of the surrounding {@code @WithTransaction} method.
 */
public final class HibernateOutbox {

    private static final String INSERT = "INSERT INTO mopao_outbox (event_id, topic, record_key, event_type, payload, traceparent) "
        + "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

    private final Outbox outbox;

    public HibernateOutbox(String source) {
        this.outbox = new Outbox(source);
    }

    /** Appends an event; returns the envelope that will be published. */
    public <T extends MopaoEvent> Uni<EventEnvelope<T>> append(Mutiny.Session session, T event, String traceparent) {
        EventEnvelope<T> envelope = outbox.envelope(event, traceparent);
        return session.createNativeQuery(INSERT)
            .setParameter(1, UUID.fromString(envelope.id()))
            .setParameter(2, envelope.eventType().topic().topicName())
            .setParameter(3, envelope.key())
            .setParameter(4, envelope.type())
            .setParameter(5, EventSerde.get().toJson(envelope))
            .setParameter(6, envelope.traceparent())
            .executeUpdate()
            .replaceWith(envelope);
    }
}
