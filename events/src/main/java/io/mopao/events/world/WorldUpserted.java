package io.mopao.events.world;

import io.mopao.events.MopaoEvent;

/** A world was created or changed; carries its full current state (compacted topic). */
public record WorldUpserted(WorldSnapshot world) implements MopaoEvent {

    @Override
    public String key() {
        return "world:" + world.id();
    }
}
