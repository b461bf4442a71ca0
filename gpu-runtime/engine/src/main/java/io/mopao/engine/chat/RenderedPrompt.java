package io.mopao.engine.chat;

import io.mopao.engine.tokenizer.Tokenizer;
import java.util.List;

/**
 * A conversation rendered to prompt text, and the stop strings its format implies.
 * The text carries no BOS: encode it with {@code tokenizer.encode(text, tokenizer.addBosByDefault(), true)}.
 *
 * @param text        the prompt text (control-token texts such as {@code <|im_start|>} appear verbatim)
 * @param stopStrings strings that end the generated turn
 */
public record RenderedPrompt(String text, List<String> stopStrings) {
    /** Copies. */
    public RenderedPrompt {
        if (text == null) {
            throw new IllegalArgumentException("rendered text is null");
        }
        stopStrings = List.copyOf(stopStrings);
    }

    /**
     * The stop strings that are exactly one token of the vocabulary (e.g. {@code <|eot_id|>}): control tokens render
     * as nothing when decoded, so they must be matched by id, not in the text.
     *
     * @param tokenizer the model's tokenizer
     * @return their ids
     */
    public int[] stopTokenIds(Tokenizer tokenizer) {
        return stopStrings.stream().mapToInt(tokenizer::tokenId).filter(id -> id >= 0).distinct().toArray();
    }
}
