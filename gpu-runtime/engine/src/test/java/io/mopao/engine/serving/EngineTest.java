package io.mopao.engine.serving;

import io.mopao.engine.chat.ChatMessage;
import io.mopao.engine.chat.ChatTemplates;
import io.mopao.engine.chat.RenderedPrompt;
import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.model.SharedModels;
import io.mopao.engine.sampling.SamplingParams;
import io.mopao.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine API on stories260K: stops, limits, usage, cancellation, deadlines, rejection, threads. */
class EngineTest {
    static Model model;
    static Tokenizer tokenizer;
    static Engine engine;

    @BeforeAll
    static void start() {
        model = Model.load(SharedModels.require("stories260K.gguf"), ModelOptions.defaults().withThreads(2));
        tokenizer = Tokenizer.fromGguf(model.metadata());
        engine = new Engine(model, tokenizer, EngineConfig.defaults().withKvCacheTokens(4096).withThreads(2).withMaxModelLen(512));
    }

    @AfterAll
    static void stop() {
        engine.close();
        model.close();
    }

    static int[] prompt(String text) {
        return tokenizer.encode(text, true, false);
    }

    static Completion run(GenerationRequest r) {
        return engine.submit(r).completion().join();
    }

    @Test
    void stopStringEndsTheTextBeforeIt() {
        Completion c = run(GenerationRequest.ofTokens("s", prompt("Once upon a time"),
                SamplingParams.greedy().withStops(List.of("Lily"), Set.of())));
        assertEquals(FinishReason.STOP, c.reason());
        assertEquals("Lily", c.stop());
        assertEquals(", there was a little girl named ", c.text());
    }

    @Test
    void aRenderedChatIsEncodedAndItsTemplateStopsApply() {
        RenderedPrompt rendered = ChatTemplates.rolePlay().render(List.of(new ChatMessage(ChatMessage.USER, "Lily", "Once upon a time")),
                true);
        GenerationRequest r = GenerationRequest.ofChat("chat", rendered, tokenizer, SamplingParams.greedy().withMaxTokens(30));
        assertEquals(tokenizer.encode(rendered.text(), tokenizer.addBosByDefault(), true).length, r.promptTokens().length);
        for (String stop : rendered.stopStrings()) {
            assertTrue(r.params().stop().contains(stop) || r.params().stopTokenIds().contains(tokenizer.tokenId(stop)), stop);
        }
        Completion c = run(r);
        assertTrue(c.reason() == FinishReason.STOP || c.reason() == FinishReason.LENGTH, c.reason().toString());
        for (String stop : r.params().stop()) {
            assertTrue(!c.text().contains(stop), "the text never contains a stop string: " + c.text());
        }
    }

    @Test
    void maxTokensEndsWithLengthAndUsageCountsTokens() {
        int[] p = prompt("Once upon a time");
        Completion c = run(GenerationRequest.ofTokens("l", p, SamplingParams.greedy().withMaxTokens(5)));
        assertEquals(FinishReason.LENGTH, c.reason());
        assertArrayEquals(new int[] {432, 383, 286, 261, 376}, c.tokens());
        assertEquals(new Usage(p.length, 5, 0), c.usage());
        assertTrue(c.timings().firstTokenNanos() > 0 && c.timings().firstTokenNanos() <= c.timings().totalNanos());
        assertNull(c.error());
    }

    @Test
    void secondTurnReusesTheCachedPrefix() {
        StringBuilder persona = new StringBuilder("Once upon a time");
        for (int i = 0; i < 8; i++) {
            persona.append(", there was a little girl named Lily who loved to play in the park with her red ball");
        }
        int[] first = prompt(persona + ". One day");
        int[] second = prompt(persona + ". The next morning");
        Completion a = run(GenerationRequest.ofTokens("t1", first, SamplingParams.greedy().withMaxTokens(4)));
        Completion b = run(GenerationRequest.ofTokens("t2", second, SamplingParams.greedy().withMaxTokens(4)));
        assertEquals(0, a.usage().cachedTokens());
        int common = 0;
        while (first[common] == second[common]) {
            common++;
        }
        assertEquals(common / 16 * 16, b.usage().cachedTokens(), "every full block of the shared prefix is reused");
        assertTrue(b.usage().cachedTokens() > 100);
    }

    @Test
    void cancellingFromTheTokenCallbackStopsGeneration() {
        List<TokenEvent> events = new CopyOnWriteArrayList<>();
        RequestHandle[] handle = new RequestHandle[1];
        GenerationListener cancelAtThird = new GenerationListener() {
            @Override
            public void onToken(TokenEvent e) {
                events.add(e);
                if (e.index() == 2) {
                    // the inference thread can get here before submit() has returned on the test thread: wait for the handle
                    synchronized (handle) {
                        handle[0].cancel();
                    }
                }
            }
        };
        synchronized (handle) {
            handle[0] = engine.submit(GenerationRequest.ofTokens("c", prompt("Once upon a time"),
                    SamplingParams.greedy().withMaxTokens(400).withIgnoreEos(true)), cancelAtThird);
        }
        Completion c = handle[0].completion().join();
        assertEquals(FinishReason.CANCELLED, c.reason());
        assertTrue(c.tokens().length >= 3 && c.tokens().length < 10, "stopped within a step or two: " + c.tokens().length);
        assertEquals(c.tokens().length, events.size());
    }

    @Test
    void statsShowAnEngineThatCancellationLeftIdle() throws Exception {
        EngineConfig config = EngineConfig.defaults().withKvCacheTokens(4096).withThreads(1).withMaxModelLen(512);
        try (Engine own = new Engine(model, tokenizer, config)) {
            CountDownLatch generating = new CountDownLatch(1);
            RequestHandle h = own.submit(GenerationRequest.ofTokens("idle", prompt("Once upon a time"),
                    SamplingParams.greedy().withMaxTokens(400).withIgnoreEos(true)), new GenerationListener() {
                        @Override
                        public void onToken(TokenEvent e) {
                            generating.countDown();
                        }
                    });
            assertTrue(generating.await(60, TimeUnit.SECONDS));
            assertEquals(1, waitForStats(own, s -> s.running() == 1).running(), "steps ran with the request in the batch");
            h.cancel();
            assertEquals(FinishReason.CANCELLED, h.completion().join().reason());
            // no step follows the cancellation: without a snapshot on going idle, stats() would show it running for good
            EngineStats s = waitForStats(own, st -> st.running() == 0);
            assertEquals(0, s.running(), "stats still show the cancelled request: " + s);
            assertEquals(0, s.waiting());
            assertEquals(s.totalBlocks(), s.freeBlocks(), "its KV blocks are free (or cached for reuse): " + s);
        }
    }

    /** Polls the engine's stats for up to 10 s until {@code done} holds; returns the last ones seen either way. */
    private static EngineStats waitForStats(Engine e, java.util.function.Predicate<EngineStats> done) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        EngineStats s = e.stats();
        while (!done.test(s) && System.nanoTime() < until) {
            Thread.sleep(5);
            s = e.stats();
        }
        return s;
    }

    @Test
    void aPassedDeadlineFinishesTheRequest() {
        Completion c = run(GenerationRequest.ofTokens("d", prompt("Once upon a time"), SamplingParams.greedy())
                .withDeadline(Instant.now().minusSeconds(1)));
        assertEquals(FinishReason.DEADLINE, c.reason());
        assertEquals(0, c.tokens().length);
    }

    @Test
    void aRequestThatCanNeverFitIsRejectedWithAClearError() {
        int[] tooLong = new int[600];
        tooLong[0] = 1;
        RequestRejectedException e = assertThrows(RequestRejectedException.class,
                () -> engine.submit(GenerationRequest.ofTokens("big", tooLong, SamplingParams.greedy())));
        assertTrue(e.getMessage().contains("at most 511"), e.getMessage());

        try (Engine small = new Engine(model, tokenizer, EngineConfig.defaults().withKvCacheTokens(64).withThreads(1))) {
            GenerationRequest tooMany = GenerationRequest.ofTokens("p", prompt("Once upon a time"),
                    SamplingParams.greedy().withMaxTokens(100));
            RequestRejectedException pool = assertThrows(RequestRejectedException.class, () -> small.submit(tooMany));
            assertTrue(pool.getMessage().contains("needs 7 KV blocks; the pool has 4"), pool.getMessage());
            Completion fits = small.submit(GenerationRequest.ofTokens("ok", prompt("Once upon a time"),
                    SamplingParams.greedy().withMaxTokens(40))).completion().join();
            assertEquals(40, fits.tokens().length);
        }
        assertThrows(RequestRejectedException.class,
                () -> engine.submit(GenerationRequest.ofTokens("v", new int[] {1, 9999}, SamplingParams.greedy())));
    }

    @Test
    void manyThreadsSubmitConcurrently() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Completion>> futures = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                int n = i;
                futures.add(CompletableFuture.supplyAsync(() -> engine.submit(GenerationRequest.ofTokens("m" + n,
                        prompt("Once upon a time"), SamplingParams.defaults(n).withMaxTokens(20)).withPriority(n % 3)), pool)
                        .thenCompose(RequestHandle::completion));
            }
            for (CompletableFuture<Completion> f : futures) {
                Completion c = f.get(60, TimeUnit.SECONDS);
                assertTrue(c.reason() == FinishReason.LENGTH || c.reason() == FinishReason.STOP, c.toString());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
