package io.mopao.events.world;

import java.util.List;

/**
 * A creator-defined storyline: chapters of beats that steer a session.
 *
 * @param id storyline id
 * @param worldId world it belongs to
 * @param version monotonically increasing version
 * @param title title
 * @param description description for players
 * @param startBeatId the beat a session starts in
 * @param chapters chapters in order
 */
public record StorylineSnapshot(String id, String worldId, long version, String title, String description, String startBeatId,
    List<Chapter> chapters) {

    public StorylineSnapshot {
        chapters = chapters == null ? List.of() : List.copyOf(chapters);
    }

    /** A chapter groups beats. */
    public record Chapter(String id, String title, List<Beat> beats) {
        public Chapter {
            beats = beats == null ? List.of() : List.copyOf(beats);
        }
    }

    /**
     * A beat: a goal with narrator direction injected late in the prompt while the beat is current.
     *
     * @param id beat id, unique in the storyline
     * @param title title shown to the player
     * @param goal what should happen in this beat
     * @param narratorDirection text injected into the prompt while the beat is active
     * @param advanceWhen conditions; any one satisfied advances the session
     * @param nextBeatIds possible next beats (first is the default); empty means the storyline ends here
     * @param ending true when reaching this beat ends the storyline
     */
    public record Beat(String id, String title, String goal, String narratorDirection, List<Condition> advanceWhen,
        List<String> nextBeatIds, boolean ending) {
        public Beat {
            advanceWhen = advanceWhen == null ? List.of() : List.copyOf(advanceWhen);
            nextBeatIds = nextBeatIds == null ? List.of() : List.copyOf(nextBeatIds);
        }
    }

    /**
     * An advance condition.
     *
     * @param kind keyword (any of {@code keywords} appears in a message), turns (at least {@code turns} turns spent in the
     *     beat) or judged (the model judges {@code judgePrompt} true)
     * @param keywords keywords for kind keyword
     * @param turns turn count for kind turns
     * @param judgePrompt question for kind judged
     * @param nextBeatId the beat to go to when this condition holds (null = the beat's first next beat)
     */
    public record Condition(String kind, List<String> keywords, Integer turns, String judgePrompt, String nextBeatId) {
        public Condition {
            keywords = keywords == null ? List.of() : List.copyOf(keywords);
        }
    }
}
