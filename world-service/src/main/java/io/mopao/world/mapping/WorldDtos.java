package io.mopao.world.mapping;

import io.mopao.events.world.WorldSnapshot;
import io.mopao.world.repository.WorldEntity;
import java.time.Instant;
import java.util.List;

/** Request and response bodies of the worlds API. */
public final class WorldDtos {

    private WorldDtos() {
    }

    /**
     * Create/replace a world.
     *
     * @param title required, at most 200 characters
     * @param setting setting text
     * @param rules world rules
     * @param tone tone / style guidance
     * @param contentRating general, teen or mature
     * @param visibility private, unlisted or public
     * @param coverImageUrl cover image (http(s) URL or a path on this platform)
     * @param locations named places
     * @param castCharacterIds character ids (character-service)
     * @param openingScenes opening scenes
     * @param tags tags
     */
    public record WorldInput(String title, String setting, String rules, String tone, String contentRating, String visibility,
        String coverImageUrl, List<WorldSnapshot.Location> locations, List<String> castCharacterIds,
        List<WorldSnapshot.OpeningScene> openingScenes, List<String> tags) {
    }

    /** A world as the API returns it. */
    public record WorldView(String id, long version, String ownerId, String ownerName, String title, String setting, String rules,
        String tone, String contentRating, String visibility, boolean hidden, String coverImageUrl, List<WorldSnapshot.Location> locations,
        List<String> castCharacterIds, List<WorldSnapshot.OpeningScene> openingScenes, List<String> tags, List<String> lorebookIds,
        List<String> storylineIds, Instant createdAt, Instant updatedAt) {

        public static WorldView of(WorldEntity w, List<String> lorebookIds, List<String> storylineIds) {
            return new WorldView(w.id.toString(), w.version, w.ownerId, w.ownerName, w.title, w.setting, w.rules, w.tone, w.contentRating,
                w.visibility, w.hidden, w.coverImageUrl, w.locations, w.castCharacterIds, w.openingScenes, w.tags, lorebookIds,
                storylineIds, w.createdAt, w.updatedAt);
        }
    }

    /** A world in lists (browse, search). */
    public record WorldSummary(String id, String ownerId, String ownerName, String title, String tone, String contentRating,
        String visibility, String coverImageUrl, List<String> tags, Instant createdAt, Instant updatedAt) {

        public static WorldSummary of(WorldEntity w) {
            return new WorldSummary(w.id.toString(), w.ownerId, w.ownerName, w.title, w.tone, w.contentRating, w.visibility,
                w.coverImageUrl, w.tags, w.createdAt, w.updatedAt);
        }
    }

    /** A page of results. */
    public record Page<T>(List<T> items, int page, int size, boolean more) {
    }
}
