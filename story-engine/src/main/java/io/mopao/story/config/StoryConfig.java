package io.mopao.story.config;

import io.mopao.story.prompt.LoreScanner;
import io.mopao.story.prompt.PromptSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** story-engine settings ({@code mopao.story.*}). */
@ConfigMapping(prefix = "mopao.story")
public interface StoryConfig {

    /** Id of this replica; names its own dialogue-relay consumer group. */
    String replicaId();

    /** Model name sent in GenerateTurn (the runtime pool serves it). */
    @WithDefault("default")
    String model();

    /**
     * Models with a runtime pool of their own: their requests go to {@code mopao.dialogue.requests.<model>} (gpu-runtime's
     * per-model routing, {@code io.mopao.events.dialogue.DialogueRouting}); every other model to the catalogue topic.
     */
    Optional<List<String>> dedicatedModels();

    /** Longest player message in characters; longer ones are refused (413 / error frame). */
    @WithDefault("8000")
    int maxMessageChars();

    /** How long a turn may run before it no longer blocks the session (the runtime times it out too). */
    @WithDefault("PT2M")
    Duration turnDeadline();

    /** Rate limit: turns a player may start per window. */
    @WithDefault("30")
    int turnsPerWindow();

    /** Rate limit window (fixed window in Redis). */
    @WithDefault("PT1M")
    Duration rateWindow();

    /**
     * Context size (tokens) of the prompt plus the reply; with {@link #tokenizerModel()} the cap of the model's own context
     * length. Must not exceed the runtime's {@code mopao.runtime.engine.max-model-len}.
     */
    @WithDefault("8192")
    int contextTokens();

    /**
     * The GGUF file the runtime serves as {@link #model()}: its tokenizer counts prompt tokens and its header gives the
     * context length (see {@code ModelTokens}). Unset: the tokenizer-free estimate and {@link #contextTokens()}.
     */
    Optional<String> tokenizerModel();

    /** Tokens reserved for the reply (also GenerateTurn max tokens). */
    @WithDefault("512")
    int replyTokens();

    /** Lore: messages scanned when neither entry nor book sets a scan depth. */
    @WithDefault("2")
    int loreScanDepth();

    /** Lore: token budget of all activated entries together. */
    @WithDefault("1024")
    int loreTokenBudget();

    /** Lore: most recursive scanning passes. */
    @WithDefault("3")
    int loreMaxRecursion();

    /** Memory: a summary turn runs after every this many assistant replies (0 = never). */
    @WithDefault("10")
    int summaryEvery();

    /** Memory: most older messages recalled into the prompt. */
    @WithDefault("3")
    int recallLimit();

    /** Group scenes: most replies generated in a row without the player (auto-continue cap). */
    @WithDefault("3")
    int autoContinueCap();

    /** What {{user}} becomes in the stable prompt prefix. */
    @WithDefault("User")
    String stableUserName();

    /** Prompt settings for the assembler, with the budget of the served model. */
    default PromptSettings promptSettings(int contextTokens, int replyTokens) {
        PromptSettings defaults = PromptSettings.defaults();
        return new PromptSettings(contextTokens, replyTokens, stableUserName(), defaults.defaultSystemPrompt(),
            defaults.groupSystemPrompt(), defaults.impersonatePrompt(), defaults.summaryPrompt(),
            new LoreScanner.Settings(loreScanDepth(), loreTokenBudget(), loreMaxRecursion()));
    }
}
