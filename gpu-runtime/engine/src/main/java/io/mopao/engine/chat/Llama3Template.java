package io.mopao.engine.chat;

import java.util.List;

/**
 * Llama 3 headers: {@code <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>}, content trimmed.
 * Llama 3.1+ templates always open with a system block carrying the knowledge cut-off and a date.
 */
final class Llama3Template implements ChatTemplate {
    private static final List<String> STOPS = List.of("<|eot_id|>", "<|eom_id|>");

    /** The date line's value, or null when the template has no knowledge/date header. */
    private final String dateString;

    Llama3Template(String dateString) {
        this.dateString = dateString;
    }

    @Override
    public String name() {
        return "llama3";
    }

    @Override
    public RenderedPrompt render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        int first = 0;
        if (dateString != null) {
            String system = "";
            if (!messages.isEmpty() && messages.get(0).isSystem()) {
                system = messages.get(0).namedContent().strip();
                first = 1;
            }
            sb.append("<|start_header_id|>system<|end_header_id|>\n\n")
                    .append("Cutting Knowledge Date: December 2023\n")
                    .append("Today Date: ").append(dateString).append("\n\n")
                    .append(system).append("<|eot_id|>");
        }
        for (ChatMessage m : messages.subList(first, messages.size())) {
            sb.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                    .append(m.namedContent().strip()).append("<|eot_id|>");
        }
        if (addGenerationPrompt) {
            sb.append("<|start_header_id|>assistant<|end_header_id|>\n\n");
        }
        return new RenderedPrompt(sb.toString(), STOPS);
    }
}
