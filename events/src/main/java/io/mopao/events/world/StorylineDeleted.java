package io.mopao.events.world;

import io.mopao.events.MopaoEvent;

/** A storyline was deleted. */
public record StorylineDeleted(String storylineId, long version) implements MopaoEvent {

    @Override
    public String key() {
        return "storyline:" + storylineId;
    }
}
