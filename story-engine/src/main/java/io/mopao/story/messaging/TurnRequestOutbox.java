package io.mopao.story.messaging;

import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.EventType;
import io.mopao.events.dialogue.DialogueRouting;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.outbox.HibernateOutbox;
import io.mopao.events.outbox.Outbox;
import io.mopao.service.outbox.OutboxConfig;
import io.mopao.story.config.StoryConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Appends {@link GenerateTurn} requests to the outbox, routed to the runtime pool that serves their model
 * ({@link DialogueRouting}, see gpu-runtime's README "Per-model routing"): the catalogue topic
 * {@code mopao.dialogue.requests} for the default pool, {@code mopao.dialogue.requests.<m>} for a model listed in
 * {@code mopao.story.dedicated-models}. The relay publishes each outbox row to the topic stored with it.
 */
@ApplicationScoped
public class TurnRequestOutbox {

    /** The outbox row of {@link HibernateOutbox}, with the topic chosen here. */
    private static final String INSERT = "INSERT INTO mopao_outbox (event_id, topic, record_key, event_type, payload, traceparent) "
        + "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

    private final DialogueRouting routing;
    private final Outbox envelopes;
    private final HibernateOutbox outbox;

    @Inject
    public TurnRequestOutbox(StoryConfig config, OutboxConfig outboxConfig) {
        this(DialogueRouting.catalogue(Set.copyOf(config.dedicatedModels().orElse(List.of()))), outboxConfig.source());
    }

    /**
     * @param routing which requests topic serves which model
     * @param source CloudEvents {@code source} of the requests ({@code mopao.outbox.source})
     */
    public TurnRequestOutbox(DialogueRouting routing, String source) {
        this.routing = routing;
        this.envelopes = new Outbox(source);
        this.outbox = new HibernateOutbox(source);
    }

    /** The requests topic of the pool that serves a model. */
    public String topic(String model) {
        return routing.requestsTopic(model);
    }

    /** Appends the request inside the caller's transaction (the current Hibernate Reactive session). */
    public Uni<Void> append(GenerateTurn turn) {
        String topic = topic(turn.model());
        return Panache.getSession().chain(session -> {
            if (topic.equals(EventType.of(turn).topic().topicName())) {
                return outbox.append(session, turn, null).replaceWithVoid();
            }
            EventEnvelope<GenerateTurn> envelope = envelopes.envelope(turn, null);
            return session.createNativeQuery(INSERT).setParameter(1, UUID.fromString(envelope.id())).setParameter(2, topic)
                .setParameter(3, envelope.key()).setParameter(4, envelope.type()).setParameter(5, EventSerde.get().toJson(envelope))
                .setParameter(6, envelope.traceparent()).executeUpdate().replaceWithVoid();
        });
    }
}
