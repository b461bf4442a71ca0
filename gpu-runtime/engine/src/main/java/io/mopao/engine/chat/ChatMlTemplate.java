package io.mopao.engine.chat;

import java.util.List;

/**
 * ChatML (Qwen and many fine-tunes): {@code <|im_start|>role\ncontent<|im_end|>\n}. Some templates (Qwen 2/2.5)
 * insert a default system message when the conversation has none.
 */
final class ChatMlTemplate implements ChatTemplate {
    private static final List<String> STOPS = List.of("<|im_end|>", "<|im_start|>");

    /** System text used when the conversation has no system message, or null. */
    private final String defaultSystem;

    ChatMlTemplate(String defaultSystem) {
        this.defaultSystem = defaultSystem;
    }

    @Override
    public String name() {
        return "chatml";
    }

    @Override
    public RenderedPrompt render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        if (defaultSystem != null && (messages.isEmpty() || !messages.get(0).isSystem())) {
            turn(sb, "system", defaultSystem);
        }
        for (ChatMessage m : messages) {
            turn(sb, m.role(), m.namedContent());
        }
        if (addGenerationPrompt) {
            sb.append("<|im_start|>assistant\n");
        }
        return new RenderedPrompt(sb.toString(), STOPS);
    }

    private static void turn(StringBuilder sb, String role, String content) {
        sb.append("<|im_start|>").append(role).append('\n').append(content).append("<|im_end|>\n");
    }
}
