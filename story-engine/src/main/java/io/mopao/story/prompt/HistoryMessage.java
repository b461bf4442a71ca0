package io.mopao.story.prompt;

/**
 * One message of the active branch, as prompt assembly sees it.
 *
 * @param id message id
 * @param role user, assistant or narrator
 * @param name speaker name (the player's name for user messages, the character's for assistant messages)
 * @param characterId the character who spoke, for assistant messages
 * @param content text
 */
public record HistoryMessage(String id, String role, String name, String characterId, String content) {

    /** The line lore scanning sees: {@code name: content}. */
    public String scanLine() {
        return name == null || name.isBlank() ? content : name + ": " + content;
    }
}
