package io.mopao.events.dialogue;

/**
 * One structured piece of a prompt. story-engine sends segments in cache-friendly order; the runtime renders them
 * with the model's chat template and enforces the context budget by dropping the lowest-priority droppable segments
 * first (history oldest first).
 *
 * @param kind what this is: system, persona, world, player_persona, memory, example, history, lore, direction,
 *     post_history, prefill
 * @param role chat role: system, user or assistant
 * @param name speaker name, if any
 * @param content text
 * @param priority higher survives longer when the budget is tight
 * @param droppable whether the runtime may drop this segment to fit the context
 */
public record PromptSegment(String kind, String role, String name, String content, int priority, boolean droppable) {
}
