package io.mopao.character.messaging;

import io.mopao.character.mapping.CharacterMapper;
import io.mopao.character.repository.CharacterEntity;
import io.mopao.events.character.CharacterDeleted;
import io.mopao.events.character.CharacterUpserted;
import io.mopao.events.outbox.HibernateOutbox;
import io.mopao.service.outbox.OutboxConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Appends character events to the outbox on the current transaction's session: an upsert with the full snapshot after
 * every change, a delete when a character goes. Never sends to Kafka directly: the service kit's {@code OutboxPublisher}
 * relays the rows.
 */
@ApplicationScoped
public class CharacterEvents {

    private final HibernateOutbox outbox;

    public CharacterEvents(OutboxConfig config) {
        this.outbox = new HibernateOutbox(config.source());
    }

    /** Call after the entity's changes are flushed, inside the same transaction. */
    public Uni<Void> upserted(CharacterEntity entity, String traceparent) {
        CharacterUpserted event = new CharacterUpserted(CharacterMapper.snapshot(entity));
        return Panache.getSession().flatMap(session -> outbox.append(session, event, traceparent)).replaceWithVoid();
    }

    public Uni<Void> deleted(CharacterEntity entity, String traceparent) {
        CharacterDeleted event = new CharacterDeleted(entity.id.toString(), entity.version);
        return Panache.getSession().flatMap(session -> outbox.append(session, event, traceparent)).replaceWithVoid();
    }
}
