package io.mopao.world.service;

import io.mopao.events.lore.Lorebook;
import io.mopao.events.outbox.HibernateOutbox;
import io.mopao.events.world.LorebookDeleted;
import io.mopao.events.world.LorebookUpserted;
import io.mopao.events.world.StorylineDeleted;
import io.mopao.events.world.StorylineSnapshot;
import io.mopao.events.world.StorylineUpserted;
import io.mopao.events.world.WorldDeleted;
import io.mopao.events.world.WorldSnapshot;
import io.mopao.events.world.WorldUpserted;
import io.mopao.service.outbox.OutboxConfig;
import io.mopao.world.mapping.LoreEntryData;
import io.mopao.world.repository.LorebookEntity;
import io.mopao.world.repository.StorylineEntity;
import io.mopao.world.repository.WorldEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Appends world, lorebook and storyline events to the outbox; always called inside the transaction of the change
 * (compacted worlds topic, full state per key).
 */
@ApplicationScoped
public class WorldEvents {

    private final HibernateOutbox outbox;

    public WorldEvents(OutboxConfig config) {
        this.outbox = new HibernateOutbox(config.source());
    }

    /** Appends WorldUpserted with the world's current lorebooks and storylines (read in the same transaction). */
    public Uni<Void> worldUpserted(WorldEntity world) {
        return Panache.getSession().call(session -> session.flush()).chain(session -> attachedIds(world.id)
            .chain(ids -> outbox.append(session, new WorldUpserted(snapshot(world, ids.get(0), ids.get(1))), null)))
            .replaceWithVoid();
    }

    /** Appends WorldUpserted for a world id, if the world still exists. */
    public Uni<Void> worldUpserted(UUID worldId) {
        return WorldEntity.<WorldEntity>findById(worldId)
            .chain(world -> world == null ? Uni.createFrom().voidItem() : worldUpserted(world));
    }

    public Uni<Void> worldDeleted(UUID worldId, long version) {
        return Panache.getSession().chain(s -> outbox.append(s, new WorldDeleted(worldId.toString(), version), null)).replaceWithVoid();
    }

    public Uni<Void> lorebookUpserted(LorebookEntity book, List<String> worldIds, List<String> characterIds) {
        return Panache.getSession().call(s -> s.flush()).chain(s -> outbox.append(s,
            new LorebookUpserted(lorebook(book), book.ownerId, worldIds, characterIds, book.version), null)).replaceWithVoid();
    }

    public Uni<Void> lorebookDeleted(UUID id, long version) {
        return Panache.getSession().chain(s -> outbox.append(s, new LorebookDeleted(id.toString(), version), null)).replaceWithVoid();
    }

    public Uni<Void> storylineUpserted(StorylineEntity storyline) {
        return Panache.getSession().call(s -> s.flush())
            .chain(s -> outbox.append(s, new StorylineUpserted(snapshot(storyline)), null)).replaceWithVoid();
    }

    public Uni<Void> storylineDeleted(UUID id, long version) {
        return Panache.getSession().chain(s -> outbox.append(s, new StorylineDeleted(id.toString(), version), null)).replaceWithVoid();
    }

    /** [lorebook ids, storyline ids] of a world. */
    @SuppressWarnings("unchecked")
    public Uni<List<List<String>>> attachedIds(UUID worldId) {
        return Panache.getSession().chain(session -> session
            .createNativeQuery("SELECT lorebook_id::text FROM lorebook_world WHERE world_id = ?1 ORDER BY lorebook_id", String.class)
            .setParameter(1, worldId).getResultList()
            .chain(books -> session
                .createNativeQuery("SELECT id::text FROM storyline WHERE world_id = ?1 ORDER BY created_at, id", String.class)
                .setParameter(1, worldId).getResultList()
                .map(stories -> List.of((List<String>) books, (List<String>) stories))));
    }

    public static WorldSnapshot snapshot(WorldEntity w, List<String> lorebookIds, List<String> storylineIds) {
        return new WorldSnapshot(w.id.toString(), w.version, w.ownerId, w.ownerName, w.visibility, w.contentRating, w.hidden, w.title,
            w.setting, w.rules, w.tone, w.locations, w.castCharacterIds, w.openingScenes, lorebookIds, storylineIds, w.tags, null,
            w.updatedAt);
    }

    public static Lorebook lorebook(LorebookEntity b) {
        return new Lorebook(b.id.toString(), b.name, b.description, b.scanDepth, b.tokenBudget, b.recursiveScanning,
            b.entries.stream().map(LoreEntryData::toEvent).toList());
    }

    public static StorylineSnapshot snapshot(StorylineEntity s) {
        return new StorylineSnapshot(s.id.toString(), s.worldId.toString(), s.version, s.title, s.description, s.startBeatId, s.chapters);
    }
}
