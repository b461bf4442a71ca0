package io.mopao.runtime.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.testing.KafkaTestTopics;
import io.mopao.runtime.testing.Turns;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker whose batch is full pauses its partitions instead of taking more turns, and resumes when a turn ends. */
class WorkerBackpressureTest {

    @Test
    void fullBatchPausesConsumptionUntilATurnCompletes() throws Exception {
        try (KafkaTestTopics topics = new KafkaTestTopics(2); ModelRegistry models = Turns.registry()) {
            CountDownLatch reached = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            WorkerSettings one = Turns.settings(topics, "worker-small");
            WorkerSettings settings = new WorkerSettings(one.bootstrap(), one.groupId(), one.requestsTopic(), one.eventsTopic(),
                one.controlTopic(), one.deadLetterTopic(), one.workerId(), 1, one.kvHighWatermark(), one.chunkTokens(),
                one.chunkInterval(), one.drainTimeout());
            WorkerPool worker = new WorkerPool(settings, models, Turns.metrics(), new WorkerHooks() {
                @Override
                public void afterFirstToken(String turnId, String attemptId) {
                    if (reached.getCount() > 0) {
                        reached.countDown();
                        try {
                            release.await(120, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            });
            try {
                worker.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> worker.assignment().size() == 2);
                GenerateTurn first = Turns.greedy("session-bp-1", 16);
                topics.send(topics.requests, first);
                assertTrue(reached.await(120, TimeUnit.SECONDS));
                GenerateTurn second = Turns.greedy("session-bp-2", 16);
                GenerateTurn third = Turns.greedy("session-bp-3", 16);
                topics.send(topics.requests, second);
                topics.send(topics.requests, third);

                await().atMost(Duration.ofSeconds(60)).until(() -> worker.pausedPartitions().size() == 2);
                assertEquals(List.of(first.turnId()), List.copyOf(worker.runningTurns()), "one turn fills a batch of one");
                assertTrue(worker.pendingRecords() <= 1, "at most one poll's worth of records waits in memory");

                release.countDown();
                for (GenerateTurn t : List.of(first, second, third)) {
                    await().atMost(Duration.ofSeconds(120)).until(() -> topics.of(TurnCompleted.class).stream()
                        .anyMatch(c -> c.turnId().equals(t.turnId())));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> worker.pausedPartitions().isEmpty());
            } finally {
                release.countDown();
                worker.close();
            }
        }
    }
}
