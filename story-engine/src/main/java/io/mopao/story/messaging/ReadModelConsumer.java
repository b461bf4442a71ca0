package io.mopao.story.messaging;

import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.MopaoEvent;
import io.mopao.events.character.CharacterDeleted;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.character.CharacterUpserted;
import io.mopao.events.world.LorebookDeleted;
import io.mopao.events.world.LorebookUpserted;
import io.mopao.events.world.StorylineDeleted;
import io.mopao.events.world.StorylineUpserted;
import io.mopao.events.world.WorldDeleted;
import io.mopao.events.world.WorldSnapshot;
import io.mopao.events.world.WorldUpserted;
import io.mopao.events.outbox.Inbox;
import io.mopao.story.repository.ReadModelRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Builds the read models from the compacted {@code mopao.characters} and {@code mopao.worlds} topics. Idempotent twice
 * over: the event id is recorded in {@code mopao_inbox} in the same transaction, and writes are ordered by version. The
 * consumer group starts from the earliest offset, so a fresh group (or a reset one) rebuilds everything.
 *
 * <p>The connector calls these methods on a Vert.x (duplicated) context, one record at a time per channel; each record
 * gets its own Hibernate Reactive session and transaction ({@code Panache.withTransaction}).
 */
@ApplicationScoped
public class ReadModelConsumer {

    /** Channel names (also used by tests). */
    public static final String CHARACTERS = "characters";
    public static final String WORLDS = "worlds";

    private static final Logger LOG = Logger.getLogger(ReadModelConsumer.class);
    private final ReadModelRepository repository;
    private final Inbox characterInbox = new Inbox("read-model-characters");
    private final Inbox worldInbox = new Inbox("read-model-worlds");

    public ReadModelConsumer(ReadModelRepository repository) {
        this.repository = repository;
    }

    @Incoming(CHARACTERS)
    public Uni<Void> onCharacter(ConsumerRecord<String, byte[]> record) {
        return apply(characterInbox, record);
    }

    @Incoming(WORLDS)
    public Uni<Void> onWorld(ConsumerRecord<String, byte[]> record) {
        return apply(worldInbox, record);
    }

    private Uni<Void> apply(Inbox inbox, ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return tombstone(record.key());
        }
        EventEnvelope<MopaoEvent> envelope = EventSerde.get().parse(record.value()); // malformed -> dead-letter topic
        return Panache.withTransaction(() -> Panache.getSession().chain(session -> inbox.firstDelivery(session, envelope.id()))
            .chain(first -> first ? write(envelope.data()) : Uni.createFrom().voidItem()));
    }

    private Uni<Void> write(MopaoEvent event) {
        String json;
        return switch (event) {
            case CharacterUpserted upserted -> {
                CharacterSnapshot c = upserted.character();
                json = EventSerde.get().mapper().valueToTree(c).toString();
                yield repository.upsert(ReadModelRepository.CHARACTER, c.id(), c.version(), c.ownerId(), c.visibility(), json)
                    .replaceWithVoid();
            }
            case CharacterDeleted deleted -> repository.tombstoneAt(ReadModelRepository.CHARACTER, deleted.characterId(), deleted.version())
                .replaceWithVoid();
            case WorldUpserted upserted -> {
                WorldSnapshot w = upserted.world();
                json = EventSerde.get().mapper().valueToTree(w).toString();
                yield repository.upsert(ReadModelRepository.WORLD, w.id(), w.version(), w.ownerId(), w.visibility(), json)
                    .replaceWithVoid();
            }
            case WorldDeleted deleted -> repository.tombstoneAt(ReadModelRepository.WORLD, deleted.worldId(), deleted.version())
                .replaceWithVoid();
            case LorebookUpserted upserted -> {
                json = EventSerde.get().mapper().valueToTree(upserted).toString();
                yield repository.upsert(ReadModelRepository.LOREBOOK, upserted.lorebook().id(), upserted.version(), upserted.ownerId(),
                    null, json).replaceWithVoid();
            }
            case LorebookDeleted deleted -> repository.tombstoneAt(ReadModelRepository.LOREBOOK, deleted.lorebookId(), deleted.version())
                .replaceWithVoid();
            case StorylineUpserted upserted -> {
                json = EventSerde.get().mapper().valueToTree(upserted.storyline()).toString();
                yield repository.upsert(ReadModelRepository.STORYLINE, upserted.storyline().id(), upserted.storyline().version(), null,
                    null, json).replaceWithVoid();
            }
            case StorylineDeleted deleted -> repository.tombstoneAt(ReadModelRepository.STORYLINE, deleted.storylineId(), deleted.version())
                .replaceWithVoid();
            default -> {
                LOG.debugf("read models ignore %s", event.getClass().getSimpleName());
                yield Uni.createFrom().voidItem();
            }
        };
    }

    private Uni<Void> tombstone(String key) {
        if (key == null || !key.contains(":")) {
            return Uni.createFrom().voidItem();
        }
        String kind = key.substring(0, key.indexOf(':'));
        String id = key.substring(key.indexOf(':') + 1);
        return Panache.withTransaction(() -> repository.tombstone(kind, id));
    }
}
