package io.mopao.engine.chat;

import java.util.Set;

/**
 * One turn of a conversation.
 *
 * @param role    {@code system}, {@code user} or {@code assistant}
 * @param name    the speaker's name (a character or player), or null; templates render it as a {@code "Name: "} prefix
 * @param content the text
 */
public record ChatMessage(String role, String name, String content) {
    /** The system role. */
    public static final String SYSTEM = "system";
    /** The user role. */
    public static final String USER = "user";
    /** The assistant role. */
    public static final String ASSISTANT = "assistant";

    private static final Set<String> ROLES = Set.of(SYSTEM, USER, ASSISTANT);

    /** Validates; a blank name becomes null. */
    public ChatMessage {
        if (role == null || !ROLES.contains(role)) {
            throw new IllegalArgumentException("message role must be system, user or assistant, got " + role);
        }
        if (content == null) {
            throw new IllegalArgumentException("message content is null");
        }
        if (name != null && name.isBlank()) {
            name = null;
        }
        if (name != null && (name.contains("\n") || name.contains(":"))) {
            throw new IllegalArgumentException("speaker name must not contain a newline or ':', got '" + name + "'");
        }
    }

    /**
     * @param content the text
     * @return a system message
     */
    public static ChatMessage system(String content) {
        return new ChatMessage(SYSTEM, null, content);
    }

    /**
     * @param content the text
     * @return a user message without a name
     */
    public static ChatMessage user(String content) {
        return new ChatMessage(USER, null, content);
    }

    /**
     * @param name the speaker
     * @param content the text
     * @return a named user message
     */
    public static ChatMessage user(String name, String content) {
        return new ChatMessage(USER, name, content);
    }

    /**
     * @param content the text
     * @return an assistant message without a name
     */
    public static ChatMessage assistant(String content) {
        return new ChatMessage(ASSISTANT, null, content);
    }

    /**
     * @param name the speaker
     * @param content the text
     * @return a named assistant message
     */
    public static ChatMessage assistant(String name, String content) {
        return new ChatMessage(ASSISTANT, name, content);
    }

    /** @return the content with a {@code "Name: "} prefix when the message has a name */
    public String namedContent() {
        return name == null ? content : name + ": " + content;
    }

    /** @return whether this is a system message */
    public boolean isSystem() {
        return SYSTEM.equals(role);
    }
}
