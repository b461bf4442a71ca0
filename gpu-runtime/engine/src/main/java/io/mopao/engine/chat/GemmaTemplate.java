package io.mopao.engine.chat;

import java.util.List;

/**
 * Gemma: {@code <start_of_turn>user\ncontent<end_of_turn>\n}, the assistant role is {@code model}, content trimmed.
 * No system role: system text goes before the first user message, then a blank line.
 */
final class GemmaTemplate implements ChatTemplate {
    private static final List<String> STOPS = List.of("<end_of_turn>", "<start_of_turn>");

    @Override
    public String name() {
        return "gemma";
    }

    @Override
    public RenderedPrompt render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder system = new StringBuilder();
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            if (m.isSystem()) {
                system.append(m.content().strip()).append("\n\n");
                continue;
            }
            String role = ChatMessage.ASSISTANT.equals(m.role()) ? "model" : "user";
            String prefix = role.equals("user") ? system.toString() : "";
            if (role.equals("user")) {
                system.setLength(0);
            }
            sb.append("<start_of_turn>").append(role).append('\n').append(prefix).append(m.namedContent().strip())
                    .append("<end_of_turn>\n");
        }
        if (!system.isEmpty()) {
            sb.append("<start_of_turn>user\n").append(system.toString().strip()).append("<end_of_turn>\n");
        }
        if (addGenerationPrompt) {
            sb.append("<start_of_turn>model\n");
        }
        return new RenderedPrompt(sb.toString(), STOPS);
    }
}
