package io.mopao.world.mapping;

import io.mopao.events.world.StorylineSnapshot;
import io.mopao.world.repository.StorylineEntity;
import java.time.Instant;
import java.util.List;

/** Request and response bodies of the storylines API. */
public final class StorylineDtos {

    private StorylineDtos() {
    }

    /**
     * Create/replace a storyline.
     *
     * @param title required
     * @param description for players
     * @param startBeatId the first beat (defaults to the first beat of the first chapter)
     * @param chapters chapters of beats; conditions are keyword, turns or judged
     */
    public record StorylineInput(String title, String description, String startBeatId, List<StorylineSnapshot.Chapter> chapters) {
    }

    /** A storyline as the API returns it. */
    public record StorylineView(String id, String worldId, long version, String title, String description, String startBeatId,
        List<StorylineSnapshot.Chapter> chapters, Instant createdAt, Instant updatedAt) {

        public static StorylineView of(StorylineEntity s) {
            return new StorylineView(s.id.toString(), s.worldId.toString(), s.version, s.title, s.description, s.startBeatId, s.chapters,
                s.createdAt, s.updatedAt);
        }
    }
}
