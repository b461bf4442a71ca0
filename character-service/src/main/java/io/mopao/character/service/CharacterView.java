package io.mopao.character.service;

import java.time.Instant;

/**
 * A character as the API returns it.
 *
 * @param id character id
 * @param version current version (also the ETag)
 * @param ownerId Keycloak subject of the owner
 * @param ownerName owner's display name
 * @param hidden hidden by a moderator
 * @param hiddenReason moderator's reason, shown to the owner and moderators only
 * @param avatarUrl relative URL of the avatar, null when there is none
 * @param createdAt creation time
 * @param updatedAt time of the current version
 * @param content the editable content
 */
public record CharacterView(String id, long version, String ownerId, String ownerName, boolean hidden, String hiddenReason,
    String avatarUrl, Instant createdAt, Instant updatedAt, CharacterContent content) {
}
