package io.mopao.runtime.engine;

import io.mopao.engine.serving.Completion;
import io.mopao.engine.serving.GenerationListener;
import io.mopao.engine.serving.RequestHandle;
import io.mopao.engine.serving.TokenEvent;
import io.mopao.events.EventEnvelope;
import io.mopao.events.EventSerde;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.PromptSegment;
import io.mopao.events.dialogue.SamplingSettings;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.runtime.prompt.SamplingMapper;
import io.mopao.runtime.prompt.TurnPrompt;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Start-up warm-up of one served model: it generates a few synthetic role-play turns before the process takes traffic,
 * through the code a dialogue turn runs — the GenerateTurn JSON read back, chat template and tokenizer, the engine's
 * batched prefill and decode steps with greedy and random sampling, the TokenChunk and TurnCompleted JSON written — so
 * that the JIT compiles them before the first player's turn instead of during it (llama.cpp's server warms up the same
 * way by default). Nothing is published, and the per-turn metrics (turns, tokens, time to first token) do not count it;
 * the engine's own cumulative counters, and so the prefix-cache hit ratio gauge, include its turns. Its prompts stay in
 * the prefix cache until evicted like any other.
 * Measured effect: gpu-runtime/BENCHMARKS.md (Kafka worker, cold rounds).
 */
public final class Warmup {
    private static final String SOURCE = "/mopao/gpu-runtime/warm-up";
    private static final int MAX_TOKENS = 16;
    private static final String SYSTEM = "You are Mira, a ship's navigator in a world of floating islands. Stay in character, "
        + "answer in two or three sentences, and describe what Mira sees.";
    private static final String[] LINES = {
        "Where are we headed tonight?", "Tell me about the storm on the horizon.", "What did the harbour master say?",
        "Can you read the old map for me?", "Why is the compass spinning?", "Describe the island below us.",
        "Who taught you to navigate?", "What do you hear in the rigging?"};

    private Warmup() {
    }

    /**
     * What a warm-up did.
     *
     * @param model     the model
     * @param turns     turns completed
     * @param requested turns asked for
     * @param tokens    tokens generated
     * @param took      wall-clock time
     */
    public record Report(String model, int turns, int requested, long tokens, Duration took) {
        /** @return whether every requested turn completed within the time limit */
        public boolean complete() {
            return turns == requested;
        }
    }

    /**
     * Generates {@code turns} short turns ({@value #MAX_TOKENS} tokens each), {@code concurrency} at a time, alternating
     * greedy and seeded random sampling. Returns when they are done or {@code limit} has passed; turns still running
     * then are cancelled.
     *
     * @param model       the model (its engine runs the turns alongside any other traffic)
     * @param turns       how many turns; 0 does nothing
     * @param concurrency turns submitted together (one batch)
     * @param limit       longest the warm-up may take
     * @return what was done
     * @throws InterruptedException when interrupted while waiting
     */
    public static Report run(ServedModel model, int turns, int concurrency, Duration limit) throws InterruptedException {
        if (turns < 0 || concurrency < 1) {
            throw new IllegalArgumentException("turns must be >= 0 and concurrency >= 1");
        }
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        AtomicLong tokens = new AtomicLong();
        int done = 0;
        while (done < turns) {
            int n = Math.min(concurrency, turns - done);
            CountDownLatch wave = new CountDownLatch(n);
            List<RequestHandle> handles = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                handles.add(submit(model, done + i, tokens, wave));
            }
            if (!wave.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                handles.forEach(RequestHandle::cancel);
                done += n - (int) wave.getCount();
                break;
            }
            done += n;
        }
        return new Report(model.name(), done, turns, tokens.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static RequestHandle submit(ServedModel model, int k, AtomicLong tokens, CountDownLatch wave) {
        String id = "warm-up-" + k;
        SamplingSettings sampling = k % 2 == 0 ? SamplingSettings.greedy(MAX_TOKENS)
            : new SamplingSettings(0.8, 40, 0.95, 0.05, 1.1, null, null, 64, (long) k, MAX_TOKENS, List.of("\n\n"), Map.of());
        GenerateTurn turn = new GenerateTurn(id, "warm-up", "warm-up", model.name(),
            List.of(new PromptSegment("system", "system", null, SYSTEM, 100, false),
                new PromptSegment("history", "user", null, LINES[k % LINES.length], 10, true)),
            null, "Mira", sampling, 0, null, Instant.now());
        EventSerde serde = EventSerde.get();
        GenerateTurn read = serde.parse(serde.toBytes(EventEnvelope.of(SOURCE, turn, null)), GenerateTurn.class).data();
        TurnPrompt.Rendered rendered = TurnPrompt.render(model, id, read.segments(), read.speakerName(), read.continuation(),
            SamplingMapper.toParams(read.sampling()));
        return model.engine().submit(rendered.request(), new GenerationListener() {
            private final StringBuilder text = new StringBuilder();
            private int seq;

            @Override
            public void onToken(TokenEvent e) {
                tokens.incrementAndGet();
                String piece = e.text() == null ? "" : e.text();
                text.append(piece);
                serde.toBytes(EventEnvelope.of(SOURCE, new TokenChunk(id, "warm-up", id, seq++, piece, 1), null));
            }

            @Override
            public void onComplete(Completion c) {
                try {
                    serde.toBytes(EventEnvelope.of(SOURCE, new TurnCompleted(id, "warm-up", id, seq, "stop", text.toString(), null,
                        new TurnCompleted.Usage(c.usage().promptTokens(), c.usage().completionTokens(), c.usage().cachedTokens()),
                        new TurnCompleted.Timings(0, -1, 0, 0), "warm-up", model.name()), null));
                } finally {
                    wave.countDown();
                }
            }
        });
    }
}
