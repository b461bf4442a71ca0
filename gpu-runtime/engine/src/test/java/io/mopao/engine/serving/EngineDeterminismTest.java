package io.mopao.engine.serving;

import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.model.ReferenceGenerations;
import io.mopao.engine.model.SharedModels;
import io.mopao.engine.sampling.SamplingParams;
import io.mopao.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At temperature 0 and with fixed seeds, every request yields the same tokens alone or batched with 4 or 16 others,
 * streamed or not, with its prefix cached or not, chunked or not, preempted or not.
 */
class EngineDeterminismTest {
    @RegisterExtension
    static final TinyModelFixture TINY = new TinyModelFixture();

    /** 16 requests: 4 personas of 24 shared tokens, each with its own turn; half greedy, half seeded sampling. */
    static List<GenerationRequest> tinyRequests() {
        List<GenerationRequest> out = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int persona = i % 4;
            int[] prompt = new int[24 + 3 + i];
            for (int t = 0; t < prompt.length; t++) {
                prompt[t] = t < 24 ? (persona * 13 + t * 7) % 64 : (i * 11 + t * 3) % 64;
            }
            SamplingParams p = i % 2 == 0 ? SamplingParams.greedy().withMaxTokens(14)
                    : SamplingParams.defaults(1000 + i).withTemperature(1.2f).withFilters(20, 0.95f, 0f).withMaxTokens(14);
            out.add(GenerationRequest.ofTokens("r" + i, prompt, p));
        }
        return out;
    }

    static EngineConfig base() {
        return EngineConfig.defaults().withKvCacheTokens(4096).withBlockSize(4).withThreads(2);
    }

    /** Runs requests {@code concurrency} at a time; checks that the streamed events match the completion. */
    static Map<String, Completion> run(Model model, Tokenizer tokenizer, EngineConfig config, List<GenerationRequest> requests,
                                       int concurrency, boolean streamed) {
        Map<String, Completion> out = new LinkedHashMap<>();
        Engine engine = new Engine(model, tokenizer, config);
        try {
            for (int from = 0; from < requests.size(); from += concurrency) {
                List<CompletableFuture<Completion>> futures = new ArrayList<>();
                List<List<TokenEvent>> events = new ArrayList<>();
                for (GenerationRequest r : requests.subList(from, Math.min(requests.size(), from + concurrency))) {
                    List<TokenEvent> ev = new CopyOnWriteArrayList<>();
                    events.add(ev);
                    GenerationListener listener = streamed ? new GenerationListener() {
                        @Override
                        public void onToken(TokenEvent event) {
                            ev.add(event);
                        }
                    } : GenerationListener.NONE;
                    futures.add(engine.submit(r, listener).completion());
                }
                for (int i = 0; i < futures.size(); i++) {
                    Completion c = futures.get(i).join();
                    out.put(c.requestId(), c);
                    if (streamed) {
                        int[] streamedTokens = events.get(i).stream().mapToInt(TokenEvent::tokenId).toArray();
                        assertArrayEquals(c.tokens(), streamedTokens, "events of " + c.requestId());
                        for (int k = 0; k < events.get(i).size(); k++) {
                            assertEquals(k, events.get(i).get(k).index());
                        }
                        if (c.text() != null) {
                            StringBuilder text = new StringBuilder();
                            events.get(i).forEach(e -> text.append(e.text()));
                            assertEquals(c.text(), text.toString());
                        }
                    }
                }
            }
        } finally {
            engine.close();
        }
        lastStats = engine.stats();
        return out;
    }

    static EngineStats lastStats;

    static void assertSameTokens(Map<String, Completion> expected, Map<String, Completion> actual, String scenario) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String id : expected.keySet()) {
            assertArrayEquals(expected.get(id).tokens(), actual.get(id).tokens(), scenario + ": tokens of " + id);
            assertEquals(expected.get(id).text(), actual.get(id).text(), scenario + ": text of " + id);
            assertEquals(expected.get(id).reason(), actual.get(id).reason(), scenario + ": finish reason of " + id);
        }
    }

    @Test
    void tinyModelGivesTheSameTokensInEveryBatchingScenario() {
        Model tiny = TINY.model();
        List<GenerationRequest> requests = tinyRequests();
        Map<String, Completion> alone = run(tiny, null, base().withPrefixCaching(false), requests, 1, false);
        assertEquals(0, lastStats.cachedPromptTokens());
        alone.values().forEach(c -> assertEquals(14, c.tokens().length));

        assertSameTokens(alone, run(tiny, null, base(), requests, 1, true), "alone, prefix cached, streamed");
        assertTrue(lastStats.cachedPromptTokens() > 0, "later requests of a persona hit its cached prefix");
        assertSameTokens(alone, run(tiny, null, base(), requests, 4, false), "batch of 4");
        assertSameTokens(alone, run(tiny, null, base(), requests, 16, true), "batch of 16, streamed");
        assertSameTokens(alone, run(tiny, null, base().withPrefixCaching(false).withBatch(8, 16), requests, 16, false),
                "batch of 16, chunked prefill of 8 tokens a step, no cache");
        // 16 sequences of up to 55 positions in a pool of 96 positions: they must preempt each other
        assertSameTokens(alone, run(tiny, null, base().withKvCacheTokens(96), requests, 16, true), "batch of 16 with preemption");
        assertTrue(lastStats.preemptions() > 0, "the small pool forced preemptions");
        assertEquals(lastStats.totalBlocks(), lastStats.freeBlocks(), "every block is back in the pool");
    }

    @Test
    void stories260kGreedyMatchesLlama2cAloneAndBatchedAndCached() {
        Path file = SharedModels.require("stories260K.gguf");
        List<ReferenceGenerations> refs = ReferenceGenerations.read(SharedModels.require("stories260K-reference-greedy.jsonl"));
        try (Model model = Model.load(file, ModelOptions.defaults().withThreads(2))) {
            Tokenizer tokenizer = Tokenizer.fromGguf(model.metadata());
            List<GenerationRequest> requests = new ArrayList<>();
            for (int i = 0; i < refs.size(); i++) {
                ReferenceGenerations ref = refs.get(i);
                requests.add(GenerationRequest.ofTokens("ref" + i, ref.promptTokenIds(),
                        SamplingParams.greedy().withMaxTokens(ref.generatedTokenIds().length).withIgnoreEos(true)));
            }
            // extra traffic sharing the references' prefixes, greedy and seeded
            for (int i = 0; i < 13; i++) {
                int[] base = refs.get(i % refs.size()).promptTokenIds();
                int[] gen = refs.get(i % refs.size()).generatedTokenIds();
                int[] prompt = Arrays.copyOf(base, base.length + 20 + i);
                System.arraycopy(gen, 0, prompt, base.length, 20 + i);
                SamplingParams p = i % 2 == 0 ? SamplingParams.greedy().withMaxTokens(40)
                        : SamplingParams.defaults(77 + i).withMaxTokens(40);
                requests.add(GenerationRequest.ofTokens("x" + i, prompt, p));
            }
            EngineConfig config = EngineConfig.defaults().withKvCacheTokens(8192).withThreads(2);
            Map<String, Completion> alone = run(model, tokenizer, config.withPrefixCaching(false), requests, 1, false);
            for (int i = 0; i < refs.size(); i++) {
                assertArrayEquals(refs.get(i).generatedTokenIds(), alone.get("ref" + i).tokens(), "llama2.c reference " + i);
            }
            assertSameTokens(alone, run(model, tokenizer, config, requests, 4, true), "batch of 4, cached, streamed");
            assertTrue(lastStats.cachedPromptTokens() > 0);
            assertSameTokens(alone, run(model, tokenizer, config.withBatch(32, 16), requests, 16, false), "batch of 16, chunked");
            assertSameTokens(alone, run(model, tokenizer, config.withKvCacheTokens(320), requests, 16, true), "batch of 16, preempted");
            assertTrue(lastStats.preemptions() > 0, "the small pool forced preemptions");
        }
    }
}
