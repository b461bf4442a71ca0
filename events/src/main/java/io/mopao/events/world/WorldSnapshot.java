package io.mopao.events.world;

import io.mopao.events.dialogue.SamplingSettings;
import java.time.Instant;
import java.util.List;

/**
 * A world as of one version: what story-engine needs to build prompts and open sessions.
 *
 * @param id world id (UUID string)
 * @param version monotonically increasing version
 * @param ownerId Keycloak subject of the owner
 * @param ownerName display name of the owner
 * @param visibility private, unlisted or public
 * @param contentRating general, teen or mature
 * @param hidden true when a moderator has hidden it
 * @param title title
 * @param setting setting text (goes into the stable prompt prefix)
 * @param rules world rules (stable prefix)
 * @param tone tone / style guidance (stable prefix)
 * @param locations named locations
 * @param castCharacterIds characters that belong to the world
 * @param openingScenes opening scenes a session may start from
 * @param lorebookIds lorebooks attached to the world
 * @param storylineIds storylines defined for the world
 * @param tags tags
 * @param defaultSampling safe sampler defaults for sessions in this world (null = runtime defaults)
 * @param updatedAt time of this version
 */
public record WorldSnapshot(
    String id,
    long version,
    String ownerId,
    String ownerName,
    String visibility,
    String contentRating,
    boolean hidden,
    String title,
    String setting,
    String rules,
    String tone,
    List<Location> locations,
    List<String> castCharacterIds,
    List<OpeningScene> openingScenes,
    List<String> lorebookIds,
    List<String> storylineIds,
    List<String> tags,
    SamplingSettings defaultSampling,
    Instant updatedAt) {

    public WorldSnapshot {
        locations = locations == null ? List.of() : List.copyOf(locations);
        castCharacterIds = castCharacterIds == null ? List.of() : List.copyOf(castCharacterIds);
        openingScenes = openingScenes == null ? List.of() : List.copyOf(openingScenes);
        lorebookIds = lorebookIds == null ? List.of() : List.copyOf(lorebookIds);
        storylineIds = storylineIds == null ? List.of() : List.copyOf(storylineIds);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A named place in the world. */
    public record Location(String name, String description) {
    }

    /** An opening scene: narration that starts a session, optionally at a location. */
    public record OpeningScene(String id, String title, String text, String locationName) {
    }
}
