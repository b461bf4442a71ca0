package io.mopao.character.service;

import java.time.Instant;

/**
 * One entry of a character's version history.
 *
 * @param version version number
 * @param change what made it (created, updated, imported, restored, avatar, hidden, shown)
 * @param authorName who made it
 * @param createdAt when
 * @param content the content as of that version; omitted in the history list
 */
public record VersionInfo(long version, String change, String authorName, Instant createdAt, CharacterContent content) {
}
