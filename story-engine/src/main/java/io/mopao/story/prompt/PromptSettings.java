package io.mopao.story.prompt;

/**
 * Prompt assembly settings (from {@code StoryConfig}).
 *
 * @param contextTokens estimated context size the prompt plus the reply must fit in
 * @param replyTokens tokens reserved for the reply
 * @param stableUserName what {@code {{user}}} becomes in the stable prefix, so it is identical for every player
 * @param defaultSystemPrompt system prompt of a one-to-one chat ({@code {{original}}} of a card's override)
 * @param groupSystemPrompt system prompt of a group scene; {@code {{group}}} lists the cast
 * @param impersonatePrompt late instruction of an impersonation (write the player's next message)
 * @param summaryPrompt late instruction of a memory summary turn
 * @param lore lore scanner settings
 */
public record PromptSettings(int contextTokens, int replyTokens, String stableUserName, String defaultSystemPrompt,
    String groupSystemPrompt, String impersonatePrompt, String summaryPrompt, LoreScanner.Settings lore) {

    /** Defaults used by tests and as config defaults. */
    public static PromptSettings defaults() {
        return new PromptSettings(8192, 512, "User",
            "Write {{char}}'s next reply in a fictional chat between {{char}} and {{user}}.",
            "Write the next reply in a fictional group chat between {{group}} and {{user}}.",
            "Write {{user}}'s next reply from the point of view of {{user}}, in their voice. Do not write for {{char}}.",
            "Summarize the story so far in a few sentences: key events, facts about {{user}}, promises and open threads. "
                + "Keep names. Write only the summary.",
            new LoreScanner.Settings(2, 1024, 3));
    }
}
