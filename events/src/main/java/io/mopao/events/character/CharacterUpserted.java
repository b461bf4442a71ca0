package io.mopao.events.character;

import io.mopao.events.MopaoEvent;

/** A character was created or changed; carries its full current state (compacted topic). */
public record CharacterUpserted(CharacterSnapshot character) implements MopaoEvent {

    @Override
    public String key() {
        return "character:" + character.id();
    }
}
