package io.mopao.character.service;

import java.util.Map;

/**
 * What a card export needs, read in one transaction.
 *
 * @param id character id
 * @param content the current content
 * @param creationDate card creation date (Unix seconds)
 * @param modificationDate time of the current version (Unix seconds)
 * @param avatarType media type of the avatar, null when none
 * @param avatar avatar bytes, null when none
 * @param files CHARX asset files by path
 */
public record ExportSource(String id, CharacterContent content, long creationDate, long modificationDate, String avatarType,
    byte[] avatar, Map<String, byte[]> files) {
}
