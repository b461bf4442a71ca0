package io.mopao.character.card;

import io.mopao.character.service.CharacterContent;
import java.util.Map;

/**
 * A card read from a file.
 *
 * @param format json, png, apng or charx
 * @param specVersion 1, 2 or 3
 * @param content the card's content
 * @param avatarType media type of the avatar (null when the file brings none)
 * @param avatar the avatar image: the PNG itself without its card chunks, or the CHARX main icon
 * @param files CHARX files other than card.json, by path
 */
public record ImportedCard(String format, int specVersion, CharacterContent content, String avatarType, byte[] avatar,
    Map<String, byte[]> files) {
}
