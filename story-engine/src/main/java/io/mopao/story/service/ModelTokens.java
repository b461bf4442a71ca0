package io.mopao.story.service;

import io.mopao.engine.gguf.GgufFile;
import io.mopao.engine.tokenizer.Tokenizer;
import io.mopao.story.config.StoryConfig;
import io.mopao.story.prompt.TokenCounter;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jboss.logging.Logger;

/**
 * The context budget of the served model and how its tokens are counted. With {@code mopao.story.tokenizer-model} (the
 * GGUF file the runtime serves) story-engine loads the model's own tokenizer with the engine library, counts prompt
 * tokens exactly as the runtime will, and takes the model's context length from the file's header (capped by
 * {@code mopao.story.context-tokens}, which must not exceed the runtime's {@code max-model-len}). Only the header and
 * the vocabulary are read (memory-mapped), never the weights; nothing is asked of the runtime on the turn path.
 * Without it the tokenizer-free estimate and {@code context-tokens} are used, and the start-up log says so.
 */
@ApplicationScoped
@Startup
public class ModelTokens {

    private static final Logger LOG = Logger.getLogger(ModelTokens.class);

    private final TokenCounter counter;
    private final int contextTokens;
    private final int replyTokens;

    public ModelTokens(StoryConfig config) {
        int context = config.contextTokens();
        TokenCounter chosen = TokenCounter.ESTIMATE;
        if (config.tokenizerModel().isPresent() && !config.tokenizerModel().get().isBlank()) {
            Path path = Path.of(config.tokenizerModel().get());
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("mopao.story.tokenizer-model=" + path + " does not exist: point it at the GGUF file "
                    + "the runtime serves as '" + config.model() + "', or unset it to use the estimate");
            }
            ModelFile file = ModelFile.read(path);
            if (file.contextLength() > 0) {
                context = Math.min(context, file.contextLength());
            }
            chosen = file.counter();
        }
        this.counter = chosen;
        this.contextTokens = context;
        this.replyTokens = Math.min(config.replyTokens(), context / 2);
        LOG.infof("prompt budget of model '%s': context %d tokens, replies up to %d, tokens counted by %s", config.model(), contextTokens,
            replyTokens, counter.description());
    }

    /** Counts tokens for the budget. */
    public TokenCounter counter() {
        return counter;
    }

    /** Context length the prompt and the reply share. */
    public int contextTokens() {
        return contextTokens;
    }

    /** Tokens reserved for (and most generated in) a reply. */
    public int replyTokens() {
        return replyTokens;
    }

    /**
     * What a GGUF file says about counting: its tokenizer and the context length it was built for (0 when absent).
     *
     * @param counter counts with the file's tokenizer
     * @param contextLength {@code <architecture>.context_length}
     */
    public record ModelFile(TokenCounter counter, int contextLength) {

        /** Reads the header and vocabulary of a GGUF file (not the weights). */
        public static ModelFile read(Path path) {
            try (GgufFile gguf = GgufFile.open(path)) {
                Tokenizer tokenizer = Tokenizer.fromGguf(gguf.metadata());
                long trained = gguf.getLong(gguf.getString("general.architecture") + ".context_length", 0);
                return new ModelFile(new ModelCounter(tokenizer, path.getFileName().toString()),
                    (int) Math.min(Integer.MAX_VALUE, trained));
            }
        }
    }

    /** Exact counts with the model's tokenizer. */
    record ModelCounter(Tokenizer tokenizer, String file) implements TokenCounter {

        @Override
        public int count(String text) {
            return text == null || text.isEmpty() ? 0 : tokenizer.encode(text, false, false).length;
        }

        @Override
        public String description() {
            return "the tokenizer of " + file + " (" + tokenizer.model() + ", " + tokenizer.vocabSize() + " tokens)";
        }
    }
}
