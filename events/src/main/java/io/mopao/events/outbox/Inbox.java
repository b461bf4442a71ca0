package io.mopao.events.outbox;

import io.smallrye.mutiny.Uni;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Idempotent consumption: a consumer records each event id it handles in {@code mopao_inbox}, in the same transaction
 * as the state change. {@link #firstDelivery} is true only the first time an event id is seen by that consumer.
 */
public final class Inbox {

    private static final String INSERT = "INSERT INTO mopao_inbox (consumer, event_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING";

    private final String consumer;

    /**
     * @param consumer name of the consuming handler (one service may have several)
     */
    public Inbox(String consumer) {
        this.consumer = consumer;
    }

    /** Records the event id; emits true when this is its first delivery, false for a duplicate. */
    public Uni<Boolean> firstDelivery(Mutiny.Session session, String eventId) {
        return session.createNativeQuery(INSERT)
            .setParameter(1, consumer)
            .setParameter(2, eventId)
            .executeUpdate()
            .map(count -> count == 1);
    }
}
