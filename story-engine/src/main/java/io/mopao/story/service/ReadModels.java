package io.mopao.story.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.mopao.events.EventSerde;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.lore.Lorebook;
import io.mopao.events.world.LorebookUpserted;
import io.mopao.events.world.StorylineSnapshot;
import io.mopao.events.world.WorldSnapshot;
import io.mopao.story.repository.ReadModelRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Typed access to the read models (characters, worlds, lorebooks, storylines), with visibility rules. */
@ApplicationScoped
public class ReadModels {

    private final ReadModelRepository repository;

    public ReadModels(ReadModelRepository repository) {
        this.repository = repository;
    }

    public Uni<Optional<CharacterSnapshot>> character(String id) {
        return repository.find(ReadModelRepository.CHARACTER, id).map(json -> json.map(j -> read(j, CharacterSnapshot.class)));
    }

    public Uni<List<CharacterSnapshot>> characters(List<String> ids) {
        return repository.findAll(ReadModelRepository.CHARACTER, ids)
            .map(list -> list.stream().map(j -> read(j, CharacterSnapshot.class)).toList());
    }

    public Uni<Optional<WorldSnapshot>> world(String id) {
        if (id == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return repository.find(ReadModelRepository.WORLD, id).map(json -> json.map(j -> read(j, WorldSnapshot.class)));
    }

    public Uni<Optional<StorylineSnapshot>> storyline(String id) {
        if (id == null) {
            return Uni.createFrom().item(Optional.empty());
        }
        return repository.find(ReadModelRepository.STORYLINE, id).map(json -> json.map(j -> read(j, StorylineSnapshot.class)));
    }

    /**
     * Lorebooks of the world (its list, and those attached to it: world-service lets only the world's owner attach) and
     * those attached to a cast member by that character's owner. world-service cannot check who owns a character (it
     * has no character data), so a lorebook naming a character someone else owns is ignored here rather than let its
     * author write into other creators' characters' prompts.
     */
    public Uni<List<Lorebook>> lorebooks(WorldSnapshot world, List<CharacterSnapshot> cast) {
        List<String> ids = world == null ? List.of() : world.lorebookIds();
        List<String> characterIds = cast.stream().map(CharacterSnapshot::id).toList();
        return repository.lorebooksFor(ids, world == null ? null : world.id(), characterIds)
            .map(list -> list.stream().map(j -> read(j, LorebookUpserted.class)).filter(b -> appliesTo(b, world, cast))
                .map(LorebookUpserted::lorebook).toList());
    }

    static boolean appliesTo(LorebookUpserted book, WorldSnapshot world, List<CharacterSnapshot> cast) {
        String id = book.lorebook().id();
        List<String> worlds = book.worldIds() == null ? List.of() : book.worldIds();
        List<String> characters = book.characterIds() == null ? List.of() : book.characterIds();
        if (world != null && (world.lorebookIds().contains(id) || worlds.contains(world.id()))) {
            return true;
        }
        return cast.stream().anyMatch(c -> characters.contains(c.id()) && Objects.equals(c.ownerId(), book.ownerId()));
    }

    /** Whether a player may start a session with content owned by {@code ownerId}. */
    public static boolean playable(String ownerId, String visibility, boolean hidden, String userId) {
        if (userId.equals(ownerId)) {
            return true;
        }
        return !hidden && ("public".equals(visibility) || "unlisted".equals(visibility));
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return EventSerde.get().mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("read model of " + type.getSimpleName() + " is unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
