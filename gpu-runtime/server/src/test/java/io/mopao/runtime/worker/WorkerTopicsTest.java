package io.mopao.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.testing.KafkaTestTopics;
import io.mopao.runtime.testing.Turns;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * On the real broker: a worker whose events or dead-letter topic is missing refuses to start, naming the topic, instead
 * of taking turns whose chunks could never be published.
 */
class WorkerTopicsTest {

    @Test
    void missingOutputTopicsFailTheStartWithTheirNames() throws Exception {
        try (KafkaTestTopics topics = new KafkaTestTopics(1); ModelRegistry models = Turns.registry()) {
            WorkerSettings ok = Turns.settings(topics, "worker-topics");
            String events = topics.events + ".missing-" + UUID.randomUUID();
            String deadLetters = topics.deadLetters + ".missing-" + UUID.randomUUID();
            WorkerSettings missing = new WorkerSettings(ok.bootstrap(), ok.groupId(), ok.requestsTopic(), events, ok.controlTopic(),
                deadLetters, ok.workerId(), ok.maxInFlight(), ok.kvHighWatermark(), ok.chunkTokens(), ok.chunkInterval(),
                ok.drainTimeout());
            WorkerPool worker = new WorkerPool(missing, models, Turns.metrics(), WorkerHooks.NONE);
            try {
                IllegalStateException e = assertThrows(IllegalStateException.class, worker::startControl);
                assertTrue(e.getMessage().startsWith("the events topic " + events + " and the dead-letter topic " + deadLetters
                    + " do not exist on the broker; create the catalogue topics first"), e.getMessage());
            } finally {
                worker.close();
            }

            WorkerPool started = new WorkerPool(ok, models, Turns.metrics(), WorkerHooks.NONE);
            try {
                started.startControl(); // the same worker with the topics that exist starts
            } finally {
                started.close();
            }
        }
    }
}
