package io.mopao.story.service;

import io.mopao.events.world.StorylineSnapshot;
import java.util.Locale;
import java.util.Optional;

/**
 * Storyline progress: the current beat's narrator direction goes late into the prompt; after each completed reply the
 * beat's advance conditions are evaluated on the player's message and the reply ({@code keyword}: any keyword appears;
 * {@code turns}: at least that many replies spent in the beat). {@code judged} conditions are decided by the runtime
 * model in a judge turn started after the reply ({@link #afterVerdict}).
 */
public final class Storylines {

    private Storylines() {
    }

    /** Where a session stands. */
    public record Progress(String beatId, int beatTurns, boolean done, boolean advanced) {
    }

    public static Optional<StorylineSnapshot.Beat> beat(StorylineSnapshot storyline, String beatId) {
        if (storyline == null || beatId == null) {
            return Optional.empty();
        }
        return storyline.chapters().stream().flatMap(c -> c.beats().stream()).filter(b -> b.id().equals(beatId)).findFirst();
    }

    /** The chapter holding a beat. */
    public static Optional<StorylineSnapshot.Chapter> chapter(StorylineSnapshot storyline, String beatId) {
        return storyline.chapters().stream().filter(c -> c.beats().stream().anyMatch(b -> b.id().equals(beatId))).findFirst();
    }

    /** Progress after one more reply in the current beat. */
    public static Progress afterReply(StorylineSnapshot storyline, String beatId, int beatTurns, boolean done, String playerText,
        String replyText) {
        Optional<StorylineSnapshot.Beat> current = beat(storyline, beatId);
        if (done || current.isEmpty()) {
            return new Progress(beatId, beatTurns, done, false);
        }
        StorylineSnapshot.Beat beat = current.get();
        int turns = beatTurns + 1;
        String text = ((playerText == null ? "" : playerText) + "\n" + (replyText == null ? "" : replyText)).toLowerCase(Locale.ROOT);
        for (StorylineSnapshot.Condition condition : beat.advanceWhen()) {
            boolean holds = switch (condition.kind() == null ? "" : condition.kind()) {
                case "keyword" -> condition.keywords().stream().anyMatch(k -> !k.isBlank() && text.contains(k.toLowerCase(Locale.ROOT)));
                case "turns" -> condition.turns() != null && turns >= condition.turns();
                default -> false;
            };
            if (holds) {
                return moveOn(storyline, beat, condition, turns);
            }
        }
        return new Progress(beatId, turns, false, false);
    }

    /**
     * Progress when the runtime judged condition {@code index} of beat {@code beatId} true; unchanged when the session
     * has left that beat meanwhile (or finished the storyline).
     */
    public static Progress afterVerdict(StorylineSnapshot storyline, String beatId, int beatTurns, boolean done, String judgedBeatId,
        int index) {
        Optional<StorylineSnapshot.Beat> current = beat(storyline, beatId);
        if (done || current.isEmpty() || !beatId.equals(judgedBeatId) || index < 0 || index >= current.get().advanceWhen().size()) {
            return new Progress(beatId, beatTurns, done, false);
        }
        return moveOn(storyline, current.get(), current.get().advanceWhen().get(index), beatTurns);
    }

    private static Progress moveOn(StorylineSnapshot storyline, StorylineSnapshot.Beat beat, StorylineSnapshot.Condition condition,
        int turns) {
        String next = condition.nextBeatId() != null ? condition.nextBeatId()
            : beat.nextBeatIds().isEmpty() ? null : beat.nextBeatIds().getFirst();
        if (next == null || beat(storyline, next).isEmpty()) {
            return new Progress(beat.id(), turns, true, true);
        }
        return new Progress(next, 0, beat(storyline, next).get().ending(), true);
    }
}
