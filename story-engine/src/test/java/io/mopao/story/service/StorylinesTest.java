package io.mopao.story.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mopao.events.world.StorylineSnapshot;
import io.mopao.events.world.StorylineSnapshot.Beat;
import io.mopao.events.world.StorylineSnapshot.Chapter;
import io.mopao.events.world.StorylineSnapshot.Condition;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Advance conditions of storyline beats, evaluated after each reply. */
class StorylinesTest {

    private static final Beat SEARCH = new Beat("search", "The search", "Find the key", "The key is hidden in the garden.",
        List.of(new Condition("keyword", List.of("Golden Key", "钥匙"), null, null, "door"),
            new Condition("judged", List.of(), null, "the player has given up", "ending")), List.of("door"), false);
    private static final Beat DOOR = new Beat("door", "The door", "Open the door", "The door creaks.",
        List.of(new Condition("turns", List.of(), 3, null, null)), List.of("ending", "door"), false);
    private static final Beat LAST = new Beat("last", "Last", "", "", List.of(new Condition("turns", List.of(), 1, null, null)),
        List.of(), false);
    private static final Beat ENDING = new Beat("ending", "Home", "", "Everyone goes home.", List.of(), List.of(), true);
    private static final StorylineSnapshot STORY = new StorylineSnapshot("s", "w", 1, "The key", "", "search",
        List.of(new Chapter("c1", "One", List.of(SEARCH, DOOR)), new Chapter("c2", "Two", List.of(LAST, ENDING))));

    @Test
    void aKeywordInThePlayersMessageOrTheReplyMovesToItsBeat() {
        assertEquals(new Storylines.Progress("door", 0, false, true),
            Storylines.afterReply(STORY, "search", 4, false, "I found a GOLDEN key!", "Well done."));
        assertEquals(new Storylines.Progress("door", 0, false, true),
            Storylines.afterReply(STORY, "search", 0, false, "这是什么？", "那是一把旧钥匙。"));
    }

    @Test
    void withoutAMatchTheBeatCountsTheReply() {
        assertEquals(new Storylines.Progress("search", 5, false, false),
            Storylines.afterReply(STORY, "search", 4, false, "Nothing here.", "Keep looking, the key is near."));
    }

    @Test
    void aTurnCountHoldsAtItsNthReplyAndFollowsTheFirstNextBeat() {
        assertEquals(new Storylines.Progress("door", 1, false, false), Storylines.afterReply(STORY, "door", 0, false, "a", "b"));
        assertEquals(new Storylines.Progress("door", 2, false, false), Storylines.afterReply(STORY, "door", 1, false, "a", "b"));
        // third reply in the beat: the condition has no target, so the beat's first next beat, an ending: done
        assertEquals(new Storylines.Progress("ending", 0, true, true), Storylines.afterReply(STORY, "door", 2, false, "a", "b"));
    }

    @Test
    void aBeatWithoutANextBeatFinishesTheStoryline() {
        assertEquals(new Storylines.Progress("last", 1, true, true), Storylines.afterReply(STORY, "last", 0, false, "a", "b"));
        assertEquals(new Storylines.Progress("last", 1, true, false), Storylines.afterReply(STORY, "last", 1, true, "a", "b"));
    }

    @Test
    void judgedConditionsWaitForTheRuntimesVerdict() {
        // "the player has given up" is not decided by text matching after the reply ...
        assertEquals(new Storylines.Progress("search", 1, false, false),
            Storylines.afterReply(STORY, "search", 0, false, "I give up, I am going home.", "Oh no."));
        // ... but by a judge turn: a yes on condition 1 of the current beat follows its target
        assertEquals(new Storylines.Progress("ending", 0, true, true), Storylines.afterVerdict(STORY, "search", 1, false, "search", 1));
        // a verdict about a beat the session has left meanwhile changes nothing
        assertEquals(new Storylines.Progress("door", 2, false, false), Storylines.afterVerdict(STORY, "door", 2, false, "search", 1));
    }
}
