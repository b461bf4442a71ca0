package io.mopao.engine.chat;

import java.util.List;

/** Renders a conversation in the prompt format one model was trained on. Implementations are immutable. */
public interface ChatTemplate {

    /** @return the format's name: {@code llama3}, {@code chatml}, {@code mistral}, {@code zephyr}, {@code gemma}, {@code roleplay} */
    String name();

    /**
     * Renders messages to prompt text.
     *
     * @param messages the conversation, oldest first
     * @param addGenerationPrompt end with the opening of an assistant turn, for the model to continue
     * @return the text and the stop strings of the format
     */
    RenderedPrompt render(List<ChatMessage> messages, boolean addGenerationPrompt);
}
