package io.mopao.events.world;

import io.mopao.events.MopaoEvent;

/** A world was deleted. */
public record WorldDeleted(String worldId, long version) implements MopaoEvent {

    @Override
    public String key() {
        return "world:" + worldId;
    }
}
