package io.mopao.story.service;

import io.mopao.events.dialogue.PromptSegment;
import io.mopao.events.dialogue.SamplingSettings;
import io.mopao.story.repository.MessageRow;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The prompt and the verdict of a judge turn: the runtime model reads the latest messages and answers whether a
 * storyline beat's natural-language condition (e.g. "the player has found the key") holds. Greedy, a few tokens, one
 * line; an answer starting with "yes" is a yes, anything else a no.
 */
final class Judge {

    static final String REFEREE = "Referee";
    /** Messages of the branch the judge reads. */
    static final int WINDOW = 6;
    static final SamplingSettings SAMPLING = new SamplingSettings(0.0, null, null, null, null, null, null, null, null, 4, List.of("\n"),
        Map.of());

    private Judge() {
    }

    static List<PromptSegment> prompt(String condition, List<MessageRow> path) {
        StringBuilder story = new StringBuilder("The story so far:\n");
        for (MessageRow m : path.subList(Math.max(0, path.size() - WINDOW), path.size())) {
            story.append(m.speakerName() == null ? m.role() : m.speakerName()).append(": ").append(m.content().strip()).append('\n');
        }
        return List.of(
            new PromptSegment("system", "system", null, "You judge a role-play story. Decide whether a condition is true now, after the "
                + "latest messages. Answer with one word: yes or no.", 100, false),
            new PromptSegment("history", "user", null, story.toString().strip(), 50, true),
            new PromptSegment("direction", "user", "judge",
                "Condition: " + condition.strip() + "\nIs the condition true now? Answer yes or no.", 100, false));
    }

    static boolean yes(String answer) {
        return answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("yes");
    }
}
