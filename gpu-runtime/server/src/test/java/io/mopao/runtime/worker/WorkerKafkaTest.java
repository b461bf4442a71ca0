package io.mopao.runtime.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.engine.serving.Completion;
import io.mopao.events.Topic;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.PromptSegment;
import io.mopao.events.dialogue.SamplingSettings;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.dialogue.TurnCancelled;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.engine.ServedModel;
import io.mopao.events.EventSerde;
import io.mopao.runtime.testing.KafkaTestTopics;
import io.mopao.runtime.testing.LogCapture;
import io.mopao.runtime.testing.Turns;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One worker on the real local broker, on private topics, serving stories260K. */
class WorkerKafkaTest {
    static KafkaTestTopics topics;
    static ModelRegistry models;
    static ServedModel model;
    static WorkerPool worker;
    /** Turns whose inference thread waits at the first token until released. */
    static final ConcurrentHashMap<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    static final ConcurrentHashMap<String, CountDownLatch> reached = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        models = Turns.registry();
        model = models.find(Turns.MODEL).orElseThrow();
        topics = new KafkaTestTopics(4);
        worker = new WorkerPool(Turns.settings(topics, "worker-1"), models, Turns.metrics(), new WorkerHooks() {
            @Override
            public void afterFirstToken(String turnId, String attemptId) {
                CountDownLatch hold = holds.get(turnId);
                if (hold != null) {
                    reached.get(turnId).countDown();
                    try {
                        hold.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        worker.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.assignment().size() == 4);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (topics != null) {
            topics.close();
        }
        if (models != null) {
            models.close();
        }
    }

    static TurnCompleted completionOf(String turnId) {
        await().atMost(Duration.ofSeconds(120))
            .until(() -> topics.of(TurnCompleted.class).stream().anyMatch(c -> c.turnId().equals(turnId)));
        return topics.of(TurnCompleted.class).stream().filter(c -> c.turnId().equals(turnId)).findFirst().orElseThrow();
    }

    static List<TokenChunk> chunksOf(String turnId) {
        return topics.of(TokenChunk.class).stream().filter(c -> c.turnId().equals(turnId)).toList();
    }

    @Test
    void requestYieldsOrderedChunksAndOneCompletionWithTheEnginesDirectGreedyText() throws Exception {
        GenerateTurn turn = Turns.greedy("session-direct", 96);
        topics.send(topics.requests, turn);
        TurnCompleted done = completionOf(turn.turnId());
        Completion direct = Turns.direct(model, 96);

        assertEquals(direct.text(), done.text(), "temperature 0: the worker's reply is the engine's own output");
        assertEquals(WorkerPool.finishReason(direct.reason()), done.finishReason());
        assertEquals(direct.usage().completionTokens(), done.usage().completionTokens());
        assertEquals(direct.usage().promptTokens(), done.usage().promptTokens());
        assertEquals("worker-1", done.workerId());
        assertEquals(Turns.MODEL, done.model());
        List<TokenChunk> chunks = chunksOf(turn.turnId());
        assertEquals(done.chunkCount(), chunks.size(), "every chunk is published before the completion");
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(i, chunks.get(i).seq(), "chunks arrive in order");
            assertEquals(done.attemptId(), chunks.get(i).attemptId());
            assertTrue(chunks.get(i).tokenCount() <= 16, "at most 16 tokens per chunk");
        }
        assertEquals(done.text(), chunks.stream().map(TokenChunk::text).collect(Collectors.joining()));
        assertEquals(direct.usage().completionTokens(), chunks.stream().mapToInt(TokenChunk::tokenCount).sum());
        assertEquals(1, topics.of(TurnCompleted.class).stream().filter(c -> c.turnId().equals(turn.turnId())).count());
        String trace = topics.received.stream().filter(e -> e.data() instanceof TurnCompleted c && c.turnId().equals(turn.turnId()))
            .findFirst().orElseThrow().traceparent();
        assertTrue(trace.startsWith("00-0af7651916cd43dd8448eb211c80319c-"), "the request's trace continues in its events: " + trace);
    }

    @Test
    void cancellationStopsARunningTurnWithinAStepAndFreesItsKv() throws Exception {
        GenerateTurn turn = Turns.greedy("session-cancel", 200);
        holds.put(turn.turnId(), new CountDownLatch(1));
        reached.put(turn.turnId(), new CountDownLatch(1));
        RecordMetadata at = topics.send(topics.requests, turn);
        assertTrue(reached.get(turn.turnId()).await(120, TimeUnit.SECONDS), "the turn runs");
        assertTrue(topics.committed(at.partition()) <= at.offset(), "a running turn's offset is not committed");
        topics.send(topics.control, new TurnCancelled(turn.turnId(), turn.sessionId(), "stopped by the player"));
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.cancellationSeen(turn.turnId()));
        holds.get(turn.turnId()).countDown();

        TurnCompleted done = completionOf(turn.turnId());
        assertEquals("cancelled", done.finishReason());
        assertTrue(done.usage().completionTokens() <= 2, "stopped at the next step, not after 200 tokens: "
            + done.usage().completionTokens());
        await().atMost(Duration.ofSeconds(60)).until(() -> topics.committed(at.partition()) > at.offset());

        // one more turn runs a step after the cancellation; then every KV block is free again (or cached for reuse)
        GenerateTurn next = Turns.greedy("session-cancel", 4);
        topics.send(topics.requests, next);
        completionOf(next.turnId());
        // stats() is a snapshot taken after each step; the completion can be out before the last step's snapshot
        await().atMost(Duration.ofSeconds(10)).until(() -> model.engine().stats().running() == 0);
        var stats = model.engine().stats();
        assertEquals(stats.totalBlocks(), stats.freeBlocks(), "the cancelled turn's KV was freed");
    }

    @Test
    void turnPastItsDeadlineCompletesAsTimeoutWithoutRunning() {
        GenerateTurn turn = Turns.turn("session-late", Turns.MODEL, Turns.greedy("x", 1).segments(), SamplingSettings.greedy(64),
            Instant.now().minusSeconds(5));
        topics.send(topics.requests, turn);
        TurnCompleted done = completionOf(turn.turnId());
        assertEquals("timeout", done.finishReason());
        assertEquals(0, done.usage().completionTokens());
        assertEquals(0, done.usage().promptTokens(), "never admitted into the engine");
        assertEquals(0, done.chunkCount());
        assertTrue(chunksOf(turn.turnId()).isEmpty());
    }

    @Test
    void malformedRequestGoesToTheDeadLetterTopicAndTheNextOneIsServed() {
        RecordMetadata bad = topics.sendRaw(topics.requests, "session-poison", "{not json".getBytes(StandardCharsets.UTF_8));
        GenerateTurn next = Turns.greedy("session-poison", 8);
        topics.send(topics.requests, next);

        TurnCompleted done = completionOf(next.turnId());
        assertTrue(List.of("stop", "length").contains(done.finishReason()));
        await().atMost(Duration.ofSeconds(60)).until(() -> !topics.deadLettered.isEmpty());
        ConsumerRecord<String, byte[]> dead = topics.deadLettered.stream().filter(r -> "session-poison".equals(r.key())).findFirst()
            .orElseThrow();
        assertEquals("{not json", new String(dead.value(), StandardCharsets.UTF_8));
        String reason = new String(dead.headers().lastHeader(Topic.DEAD_LETTER_REASON_HEADER).value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("not valid JSON"), reason);
        assertEquals(topics.requests, new String(dead.headers().lastHeader(Topic.DEAD_LETTER_TOPIC_HEADER).value(),
            StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(60)).until(() -> topics.committed(bad.partition()) > bad.offset());
    }

    @Test
    void requestForAModelThisPoolDoesNotServeGetsAnErrorCompletionNamingIt() {
        GenerateTurn turn = Turns.turn("session-model", "llama-70b", Turns.greedy("x", 1).segments(), SamplingSettings.greedy(8), null);
        topics.send(topics.requests, turn);
        TurnCompleted done = completionOf(turn.turnId());
        assertEquals("error", done.finishReason());
        assertTrue(done.error().contains("'llama-70b' is not served") && done.error().contains(Turns.MODEL), done.error());
    }

    @Test
    void promptThatCannotFitTheContextGetsAnErrorCompletion() {
        String longText = "the dog ran and the cat sat ".repeat(80);
        GenerateTurn turn = Turns.turn("session-long", Turns.MODEL, List.of(new PromptSegment("system", "system", null, longText, 100,
            false)), SamplingSettings.greedy(32), null);
        topics.send(topics.requests, turn);
        TurnCompleted done = completionOf(turn.turnId());
        assertEquals("error", done.finishReason());
        assertTrue(done.error().contains("only " + (model.contextLength() - 32) + " fit"), done.error());
    }

    @Test
    void droppableHistoryIsDroppedOldestFirstToFitTheContext() throws Exception {
        String old = "Max ate a big red apple under the old tree. ".repeat(40);
        GenerateTurn turn = Turns.turn("session-fit", Turns.MODEL, List.of(
            new PromptSegment("system", "system", null, Turns.SYSTEM, 100, false),
            new PromptSegment("history", "user", null, old, 10, true),
            new PromptSegment("history", "user", null, Turns.USER, 10, true)), SamplingSettings.greedy(32), null);
        topics.send(topics.requests, turn);
        TurnCompleted done = completionOf(turn.turnId());
        assertTrue(List.of("stop", "length").contains(done.finishReason()), done.finishReason() + ": " + done.error());
        assertNull(done.error());
        assertEquals(Turns.direct(model, 1).usage().promptTokens(), done.usage().promptTokens(),
            "exactly the old history segment went; the system segment and the latest message stayed");
    }

    @Test
    void traceparentHeaderOfTheRequestContinuesInTheHeaderAndEnvelopeOfEveryChunkAndTheCompletion() {
        String parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        GenerateTurn turn = Turns.greedy("session-trace", 24);
        topics.sendWithTraceHeader(topics.requests, turn, parent);
        TurnCompleted done = completionOf(turn.turnId());
        List<ConsumerRecord<String, byte[]>> records = topics.rawEvents.stream()
            .filter(r -> turn.turnId().equals(turnIdOf(EventSerde.get().parse(r.value()).data()))).toList();
        assertEquals(done.chunkCount() + 1, records.size(), "chunks and the completion");
        String span = null;
        for (ConsumerRecord<String, byte[]> r : records) {
            Header h = r.headers().lastHeader(WorkerPool.TRACEPARENT);
            assertNotNull(h, "every chunk and the completion carry a traceparent header");
            String child = new String(h.value(), StandardCharsets.UTF_8);
            String[] parts = child.split("-");
            assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", parts[1], "same trace as the request: " + child);
            assertNotEquals("00f067aa0ba902b7", parts[2], "a child span of the request's span");
            assertEquals(child, EventSerde.get().parse(r.value()).traceparent(), "the envelope says the same");
            if (span != null) {
                assertEquals(span, parts[2], "one span for the attempt");
            }
            span = parts[2];
        }
    }

    private static String turnIdOf(Object event) {
        if (event instanceof TokenChunk c) {
            return c.turnId();
        }
        return event instanceof TurnCompleted c ? c.turnId() : null;
    }

    @Test
    void logLinesAboutATurnCarryItsTurnSessionAttemptModelAndTraceIdsWhichAreClearedAfterwards() {
        try (LogCapture logs = LogCapture.of("io.mopao.runtime.worker")) {
            GenerateTurn turn = Turns.greedy("session-logs", 8);
            topics.send(topics.requests, turn);
            TurnCompleted done = completionOf(turn.turnId());
            // "admitted" is logged on the consumer thread after the submit, so it can come after the publisher's last line
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                List<String> lines = logs.records().stream().filter(r -> turn.turnId().equals(r.mdc().get(TurnMdc.TURN)))
                    .map(LogCapture.Captured::message).toList();
                return lines.stream().anyMatch(m -> m.contains("admitted")) && lines.stream().anyMatch(m -> m.contains("after"));
            });
            List<LogCapture.Captured> ofTurn = logs.records().stream().filter(r -> turn.turnId().equals(r.mdc().get(TurnMdc.TURN)))
                .toList();
            assertTrue(ofTurn.stream().anyMatch(r -> r.message().contains("admitted")), "the admission is logged: " + ofTurn);
            assertTrue(ofTurn.stream().map(LogCapture.Captured::thread).distinct().count() >= 2,
                "the consumer and the publisher thread both log in the turn's context: " + ofTurn);
            for (LogCapture.Captured r : ofTurn) {
                assertEquals("session-logs", r.mdc().get(TurnMdc.SESSION), r.toString());
                assertEquals(done.attemptId(), r.mdc().get(TurnMdc.ATTEMPT), r.toString());
                assertEquals(Turns.MODEL, r.mdc().get(TurnMdc.MODEL), r.toString());
                assertEquals("0af7651916cd43dd8448eb211c80319c", r.mdc().get(TurnMdc.TRACE), r.toString());
            }

            // the consumer thread's next line that is not about a turn carries no turn's ids
            RecordMetadata bad = topics.sendRaw(topics.requests, "session-logs-poison", "[]".getBytes(StandardCharsets.UTF_8));
            String where = "-" + bad.partition() + "@" + bad.offset();
            await().atMost(Duration.ofSeconds(60)).until(() -> logs.records().stream().anyMatch(r -> r.message().contains(where)));
            LogCapture.Captured dead = logs.records().stream().filter(r -> r.message().contains(where)).findFirst().orElseThrow();
            assertNull(dead.mdc().get(TurnMdc.TURN), dead.toString());
            assertNull(dead.mdc().get(TurnMdc.ATTEMPT), dead.toString());
            assertEquals("session-logs-poison", dead.mdc().get(TurnMdc.SESSION), "dead letters name the record's key as session");
        }
    }
}
