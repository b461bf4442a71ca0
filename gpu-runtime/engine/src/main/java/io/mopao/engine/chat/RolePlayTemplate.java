package io.mopao.engine.chat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Plain text for base models without a chat template: system text first as paragraphs, then one
 * {@code "Speaker: text"} line per message, and the next speaker's {@code "Name:"} as the generation prompt.
 * Every other speaker's {@code "\nName:"} is a stop string, so the model does not write the other side's lines.
 * Speakers are the message names, else the template's user and assistant names.
 */
public final class RolePlayTemplate implements ChatTemplate {
    private final String userName;
    private final String assistantName;

    /**
     * @param userName speaker of user messages without a name
     * @param assistantName speaker of assistant messages without a name, and the default next speaker
     */
    public RolePlayTemplate(String userName, String assistantName) {
        this.userName = requireName(userName, "user");
        this.assistantName = requireName(assistantName, "assistant");
    }

    @Override
    public String name() {
        return "roleplay";
    }

    /**
     * Renders with the next speaker being the most recent named assistant speaker, else the assistant name.
     */
    @Override
    public RenderedPrompt render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        String next = assistantName;
        for (ChatMessage m : messages) {
            if (ChatMessage.ASSISTANT.equals(m.role()) && m.name() != null) {
                next = m.name();
            }
        }
        return render(messages, addGenerationPrompt ? next : null);
    }

    /**
     * Renders with an explicit next speaker (e.g. the character whose turn it is in a group scene).
     *
     * @param messages the conversation
     * @param nextSpeaker who speaks next, or null for no generation prompt
     * @return the text and stop strings
     */
    public RenderedPrompt render(List<ChatMessage> messages, String nextSpeaker) {
        if (nextSpeaker != null) {
            requireName(nextSpeaker, "next speaker");
        }
        StringBuilder sb = new StringBuilder();
        Set<String> speakers = new LinkedHashSet<>();
        speakers.add(userName);
        for (ChatMessage m : messages) {
            if (m.isSystem()) {
                sb.append(m.content().strip()).append("\n\n");
                continue;
            }
            String speaker = speaker(m);
            speakers.add(speaker);
            sb.append(speaker).append(": ").append(m.content().strip()).append('\n');
        }
        if (nextSpeaker != null) {
            sb.append(nextSpeaker).append(':');
        }
        List<String> stops = new ArrayList<>();
        for (String s : speakers) {
            if (!s.equals(nextSpeaker)) {
                stops.add("\n" + s + ":");
            }
        }
        return new RenderedPrompt(sb.toString(), stops);
    }

    private String speaker(ChatMessage m) {
        if (m.name() != null) {
            return m.name();
        }
        return ChatMessage.USER.equals(m.role()) ? userName : assistantName;
    }

    private static String requireName(String name, String what) {
        if (name == null || name.isBlank() || name.contains("\n") || name.contains(":")) {
            throw new IllegalArgumentException(what + " name must be non-blank without newline or ':', got '" + name + "'");
        }
        return name;
    }
}
