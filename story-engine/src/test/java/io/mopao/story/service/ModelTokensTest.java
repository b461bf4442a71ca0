package io.mopao.story.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mopao.events.dialogue.PromptSegment;
import io.mopao.story.prompt.AssembledPrompt;
import io.mopao.story.prompt.HistoryMessage;
import io.mopao.story.prompt.PromptAssembler;
import io.mopao.story.prompt.PromptRequest;
import io.mopao.story.prompt.PromptSettings;
import io.mopao.story.prompt.TokenCounter;
import io.mopao.story.prompt.TokenEstimator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The context budget with the served model's own tokenizer (stories260K: 512-token SentencePiece vocabulary). */
class ModelTokensTest {

    private static Path models;
    private static ModelTokens.ModelFile stories;

    @BeforeAll
    static void readModel() {
        models = Path.of(System.getProperty("mopao.shared.dir", "../../shared"), "models").toAbsolutePath().normalize();
        if (!Files.isRegularFile(models.resolve("stories260K.gguf"))) {
            String message = "stories260K.gguf not found in " + models + " (set -Dmopao.shared.dir)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        stories = ModelTokens.ModelFile.read(models.resolve("stories260K.gguf"));
    }

    @Test
    void countsLikeTheReferenceTokenizationOfLlama2c() throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(models.resolve("stories260K-reference-greedy.jsonl"));
        assertFalse(lines.isEmpty());
        boolean differsFromTheEstimate = false;
        for (String line : lines) {
            JsonNode reference = json.readTree(line);
            String prompt = reference.path("prompt").asText();
            int expected = reference.path("prompt_token_ids").size() - 1; // without BOS
            assertEquals(expected, stories.counter().count(prompt), "tokens of '" + prompt + "'");
            differsFromTheEstimate |= expected != TokenEstimator.estimate(prompt);
        }
        // the 512-token vocabulary needs more tokens than the 4-characters-per-token estimate for some prompts
        assertTrue(differsFromTheEstimate || lines.size() < 2, "the reference prompts are all estimated exactly");
    }

    @Test
    void theContextLengthComesFromTheModelFile() {
        assertEquals(2048, stories.contextLength());
    }

    @Test
    void anOverLongHistoryIsTrimmedOldestFirstToFitTheModelsContext() {
        int context = 512;
        int reply = 128;
        PromptSettings defaults = PromptSettings.defaults();
        TokenCounter counter = stories.counter();
        PromptAssembler assembler = new PromptAssembler(new PromptSettings(context, reply, "User", defaults.defaultSystemPrompt(),
            defaults.groupSystemPrompt(), defaults.impersonatePrompt(), defaults.summaryPrompt(), defaults.lore()), counter);
        List<HistoryMessage> history = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            history.add(new HistoryMessage("h" + i, i % 2 == 0 ? "user" : "assistant", i % 2 == 0 ? "alice" : "Lily", null,
                "message " + i + ": the little dog ran to the park and found a shiny red ball under the old tree."));
        }
        AssembledPrompt prompt = assembler.assemble(new PromptRequest(List.of(), null, null, List.of(), "alice", null, null, List.of(),
            history, null, PromptRequest.Mode.REPLY, 1));

        List<PromptSegment> kept = prompt.segments().stream().filter(s -> PromptAssembler.HISTORY.equals(s.kind())).toList();
        int dropped = prompt.droppedHistory();
        assertTrue(dropped > 0, "30 messages do not fit 512 - 128 tokens");
        assertEquals(30 - dropped, kept.size());
        for (int i = 0; i < kept.size(); i++) {
            assertTrue(kept.get(i).content().startsWith("message " + (dropped + i) + ":"), "the newest messages stay, in order");
        }
        // exact count with the model's tokenizer: it fits, and the next-older message would not have
        int exact = prompt.segments().stream().mapToInt(s -> counter.segment(s.content())).sum() + TokenEstimator.PROMPT_OVERHEAD;
        assertEquals(exact, prompt.estimatedTokens());
        assertTrue(exact <= context - reply, exact + " tokens");
        assertTrue(exact + counter.segment(history.get(dropped - 1).content()) > context - reply, "trimmed no more than needed");
        // the estimate would have kept a different number of messages: the budget really follows the model's tokenizer
        AssembledPrompt estimated = new PromptAssembler(new PromptSettings(context, reply, "User", defaults.defaultSystemPrompt(),
            defaults.groupSystemPrompt(), defaults.impersonatePrompt(), defaults.summaryPrompt(), defaults.lore()))
            .assemble(new PromptRequest(List.of(), null, null, List.of(), "alice", null, null, List.of(), history, null,
                PromptRequest.Mode.REPLY, 1));
        assertNotEquals(dropped, estimated.droppedHistory());
    }
}
