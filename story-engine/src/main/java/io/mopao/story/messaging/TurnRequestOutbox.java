package io.mopao.story.messaging;

import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.dialogue.DialogueRouting;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.outbox.Outbox;
import io.mopao.story.config.StoryConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
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

    /** The outbox row of {@code io.mopao.events.outbox.Outbox}, with the topic chosen here. */
    private static final String INSERT = "INSERT INTO mopao_outbox (event_id, topic, record_key, event_type, payload, traceparent) "
        + "VALUES ($1, $2, $3, $4, $5, $6)";

    private final DialogueRouting routing;
    private final Outbox outbox = new Outbox(OutboxPublisher.SOURCE);

    @Inject
    public TurnRequestOutbox(StoryConfig config) {
        this(DialogueRouting.catalogue(Set.copyOf(config.dedicatedModels().orElse(List.of()))));
    }

    public TurnRequestOutbox(DialogueRouting routing) {
        this.routing = routing;
    }

    /** The requests topic of the pool that serves a model. */
    public String topic(String model) {
        return routing.requestsTopic(model);
    }

    /** Appends the request inside the caller's transaction. */
    public Uni<Void> append(SqlClient tx, GenerateTurn turn) {
        EventEnvelope<GenerateTurn> envelope = outbox.envelope(turn, null);
        String topic = topic(turn.model());
        if (topic.equals(envelope.eventType().topic().topicName())) {
            return outbox.append(tx, envelope);
        }
        return tx.preparedQuery(INSERT).execute(Tuple.tuple().addUUID(UUID.fromString(envelope.id())).addString(topic)
            .addString(envelope.key()).addString(envelope.type()).addString(EventSerde.get().toJson(envelope))
            .addString(envelope.traceparent())).replaceWithVoid();
    }
}
