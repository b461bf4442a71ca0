package io.mopao.events.character;

import io.mopao.events.MopaoEvent;

/**
 * A character was deleted. Published with the same key as its upserts; consumers drop their copy.
 *
 * @param characterId id of the deleted character
 * @param version the version that was deleted
 */
public record CharacterDeleted(String characterId, long version) implements MopaoEvent {

    @Override
    public String key() {
        return "character:" + characterId;
    }
}
