package io.mopao.character.service;

import java.util.List;

/**
 * List and search filters.
 *
 * @param text words to find in name, nickname, creator, tags and description (Chinese or English); null for none
 * @param tags tags that must all be present (case-insensitive)
 * @param creator the card's creator field or the owner's name (case-insensitive)
 * @param ratings content ratings to include; empty for all
 * @param mine only the caller's own characters (any visibility)
 * @param page page index, 0-based
 * @param size page size
 */
public record CharacterQuery(String text, List<String> tags, String creator, List<String> ratings, boolean mine, int page, int size) {

    public CharacterQuery {
        tags = tags == null ? List.of() : List.copyOf(tags);
        ratings = ratings == null ? List.of() : List.copyOf(ratings);
    }
}
