package io.mopao.engine.chat;

import java.util.List;

/**
 * Mistral instruct: {@code [INST] user [/INST]assistant</s>} (v1/v2, "spaced") or {@code [INST]user[/INST]assistant</s>}
 * (v3 "tekken", compact). There is no system role: system text goes before the first user message, then a blank line.
 */
final class MistralTemplate implements ChatTemplate {
    private final boolean spaced;
    private final String eos;

    MistralTemplate(boolean spaced, String eos) {
        this.spaced = spaced;
        this.eos = eos;
    }

    @Override
    public String name() {
        return "mistral";
    }

    @Override
    public RenderedPrompt render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder system = new StringBuilder();
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case ChatMessage.SYSTEM -> system.append(m.content()).append("\n\n");
                case ChatMessage.USER -> {
                    sb.append(spaced ? "[INST] " : "[INST]").append(system).append(m.namedContent())
                            .append(spaced ? " [/INST]" : "[/INST]");
                    system.setLength(0);
                }
                default -> sb.append(m.namedContent()).append(eos);
            }
        }
        if (!system.isEmpty()) {
            // system text with no user message after it still reaches the model
            sb.append(spaced ? "[INST] " : "[INST]").append(system.toString().strip()).append(spaced ? " [/INST]" : "[/INST]");
        }
        // the assistant turn follows [/INST] directly: there is no separate generation prompt
        return new RenderedPrompt(sb.toString(), List.of(eos, "[INST]"));
    }
}
