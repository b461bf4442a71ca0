package io.mopao.character.service;

import java.time.Instant;
import java.util.List;

/**
 * A character in list and search results.
 *
 * @param id character id
 * @param version current version
 * @param name name
 * @param nickname nickname
 * @param description description, cut to 300 characters
 * @param tags tags
 * @param creator the card's creator field
 * @param ownerName owner's display name
 * @param visibility private, unlisted or public
 * @param contentRating general, teen or mature
 * @param hidden hidden by a moderator
 * @param avatarUrl avatar URL or null
 * @param updatedAt time of the current version
 */
public record CharacterSummary(String id, long version, String name, String nickname, String description, List<String> tags,
    String creator, String ownerName, String visibility, String contentRating, boolean hidden, String avatarUrl, Instant updatedAt) {
}
