package io.mopao.story.prompt;

import io.mopao.events.dialogue.PromptSegment;
import java.util.List;

/**
 * The result of prompt assembly.
 *
 * @param segments segments in prompt order
 * @param activatedLore labels ({@code bookId#uid}) of the activated lore entries
 * @param estimatedTokens story-engine's token estimate of the whole prompt
 * @param droppedHistory how many of the oldest history messages did not fit the budget
 * @param stablePrefixLength how many leading segments form the player-independent prefix
 */
public record AssembledPrompt(List<PromptSegment> segments, List<String> activatedLore, int estimatedTokens, int droppedHistory,
    int stablePrefixLength) {

    public AssembledPrompt {
        segments = List.copyOf(segments);
        activatedLore = List.copyOf(activatedLore);
    }

    /** The player-independent prefix. */
    public List<PromptSegment> stablePrefix() {
        return segments.subList(0, stablePrefixLength);
    }
}
