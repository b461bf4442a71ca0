package io.mopao.events.world;

import io.mopao.events.MopaoEvent;

/** A storyline was created or changed. */
public record StorylineUpserted(StorylineSnapshot storyline) implements MopaoEvent {

    @Override
    public String key() {
        return "storyline:" + storyline.id();
    }
}
