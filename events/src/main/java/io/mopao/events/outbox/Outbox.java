package io.mopao.events.outbox;

import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.MopaoEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.UUID;

/**
 * Writes events into the {@code mopao_outbox} table inside the caller's transaction, so an event exists exactly when
 * the state change it describes was committed (no dual writes). {@link OutboxRelay} publishes the rows afterwards.
 *
 * <p>Hibernate Reactive services use {@link HibernateOutbox}; code on a plain Vert.x SQL client (in a transaction) uses
 * {@link #append(SqlClient, EventEnvelope)}.
 */
public final class Outbox {

    static final String INSERT_PG = "INSERT INTO mopao_outbox (event_id, topic, record_key, event_type, payload, traceparent) "
        + "VALUES ($1, $2, $3, $4, $5, $6)";

    private final String source;

    /**
     * @param source the CloudEvents source of this service, e.g. {@code /mopao/character-service}
     */
    public Outbox(String source) {
        this.source = source;
    }

    /** Wraps an event in a new envelope from this service. */
    public <T extends MopaoEvent> EventEnvelope<T> envelope(T event, String traceparent) {
        return EventEnvelope.of(source, event, traceparent);
    }

    /** Appends an envelope through a Vert.x SQL client or connection that is inside the caller's transaction. */
    public Uni<Void> append(SqlClient client, EventEnvelope<?> envelope) {
        return client.preparedQuery(INSERT_PG).execute(row(envelope)).replaceWithVoid();
    }

    static Tuple row(EventEnvelope<?> envelope) {
        return Tuple.tuple()
            .addUUID(UUID.fromString(envelope.id()))
            .addString(envelope.eventType().topic().topicName())
            .addString(envelope.key())
            .addString(envelope.type())
            .addString(EventSerde.get().toJson(envelope))
            .addString(envelope.traceparent());
    }
}
