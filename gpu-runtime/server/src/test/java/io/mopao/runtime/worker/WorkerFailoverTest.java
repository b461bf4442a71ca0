package io.mopao.runtime.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.engine.serving.Completion;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.testing.KafkaTestTopics;
import io.mopao.runtime.testing.Turns;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Two workers in one consumer group on the real broker, each with its own engine. The one that picks the turn up dies
 * mid-turn (after its first chunk went out, before it completed); the other takes the partition over and regenerates
 * the turn under a new attempt id, and the turn is completed exactly once.
 */
class WorkerFailoverTest {

    @Test
    void turnOfAWorkerThatDiesMidTurnIsRegeneratedByTheOtherAndCompletedOnce() throws Exception {
        try (KafkaTestTopics topics = new KafkaTestTopics(4); ModelRegistry modelsA = Turns.registry();
             ModelRegistry modelsB = Turns.registry()) {
            AtomicReference<String> victimId = new AtomicReference<>();
            CountDownLatch reached = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            WorkerPool a = new WorkerPool(Turns.settings(topics, "worker-a"), modelsA, Turns.metrics(), hold("worker-a", victimId, reached,
                release));
            WorkerPool b = new WorkerPool(Turns.settings(topics, "worker-b"), modelsB, Turns.metrics(), hold("worker-b", victimId, reached,
                release));
            try {
                a.start();
                b.start();
                await().atMost(Duration.ofSeconds(90)).until(() -> !a.assignment().isEmpty() && !b.assignment().isEmpty()
                    && a.assignment().size() + b.assignment().size() == 4);

                GenerateTurn turn = Turns.greedy("session-failover", 96);
                topics.send(topics.requests, turn);
                assertTrue(reached.await(120, TimeUnit.SECONDS), "a worker started the turn");
                WorkerPool victim = victimId.get().startsWith("worker-a/") ? a : b;
                WorkerPool survivor = victim == a ? b : a;
                String firstAttempt = victimId.get().substring(victimId.get().indexOf('/') + 1);

                victim.kill();
                release.countDown();

                await().atMost(Duration.ofSeconds(120)).until(() -> completions(topics, turn).size() == 1);
                // a later turn of the same session (same partitions, in order) completes after any duplicate could appear
                GenerateTurn later = Turns.greedy("session-failover", 4);
                topics.send(topics.requests, later);
                await().atMost(Duration.ofSeconds(120)).until(() -> completions(topics, later).size() == 1);

                List<TurnCompleted> done = completions(topics, turn);
                assertEquals(1, done.size(), "exactly one completion for the turn");
                TurnCompleted completed = done.get(0);
                assertNotEquals(firstAttempt, completed.attemptId(), "the regenerated attempt has a new id");
                assertEquals(survivor.settings().workerId(), completed.workerId());
                Completion direct = Turns.direct(modelsB.find(Turns.MODEL).orElseThrow(), 96);
                assertEquals(direct.text(), completed.text());
                List<TokenChunk> current = chunks(topics, turn).stream().filter(c -> c.attemptId().equals(completed.attemptId())).toList();
                assertEquals(completed.chunkCount(), current.size());
                for (int i = 0; i < current.size(); i++) {
                    assertEquals(i, current.get(i).seq());
                }
                assertEquals(completed.text(), current.stream().map(TokenChunk::text).collect(Collectors.joining()));
                assertTrue(chunks(topics, turn).stream().allMatch(c -> c.attemptId().equals(firstAttempt)
                    || c.attemptId().equals(completed.attemptId())), "only the dead attempt's partial output and the new attempt");
            } finally {
                release.countDown();
                a.close();
                b.close();
            }
        }
    }

    private static WorkerHooks hold(String self, AtomicReference<String> victim, CountDownLatch reached, CountDownLatch release) {
        return new WorkerHooks() {
            @Override
            public void afterFirstToken(String turnId, String attemptId) {
                if (victim.compareAndSet(null, self + "/" + attemptId)) {
                    reached.countDown();
                    try {
                        release.await(120, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
    }

    private static List<TokenChunk> chunks(KafkaTestTopics topics, GenerateTurn turn) {
        return topics.of(TokenChunk.class).stream().filter(c -> c.turnId().equals(turn.turnId())).toList();
    }

    private static List<TurnCompleted> completions(KafkaTestTopics topics, GenerateTurn turn) {
        return topics.of(TurnCompleted.class).stream().filter(c -> c.turnId().equals(turn.turnId())).toList();
    }
}
