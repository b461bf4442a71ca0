package io.mopao.engine.chat;

import java.util.List;

/** Zephyr: {@code <|role|>\ncontent</s>\n}, generation prompt {@code <|assistant|>\n}. */
final class ZephyrTemplate implements ChatTemplate {
    private final String eos;

    ZephyrTemplate(String eos) {
        this.eos = eos;
    }

    @Override
    public String name() {
        return "zephyr";
    }

    @Override
    public RenderedPrompt render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append("<|").append(m.role()).append("|>\n").append(m.namedContent()).append(eos).append('\n');
        }
        if (addGenerationPrompt) {
            sb.append("<|assistant|>\n");
        }
        return new RenderedPrompt(sb.toString(), List.of(eos, "<|user|>", "<|system|>"));
    }
}
