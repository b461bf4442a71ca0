package io.mopao.events.world;

import io.mopao.events.MopaoEvent;

/** A lorebook was deleted. */
public record LorebookDeleted(String lorebookId, long version) implements MopaoEvent {

    @Override
    public String key() {
        return "lorebook:" + lorebookId;
    }
}
