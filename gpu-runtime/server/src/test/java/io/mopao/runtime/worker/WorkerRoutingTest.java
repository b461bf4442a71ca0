package io.mopao.runtime.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.engine.serving.EngineConfig;
import io.mopao.events.Topic;
import io.mopao.events.dialogue.DialogueRouting;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.SamplingSettings;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.testing.KafkaTestTopics;
import io.mopao.runtime.testing.SharedModels;
import io.mopao.runtime.testing.Turns;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two pools on the real broker, routed by {@link DialogueRouting}: the default pool (stories260K, on the private
 * stand-in of the catalogue topic) and a dedicated pool for a second model, {@code tiny-b} (the same weights under
 * another name, so both pools' greedy replies can be compared), on its own topic and group.
 */
class WorkerRoutingTest {
    static final String MODEL_B = "tiny-b";
    static KafkaTestTopics topics;
    static DialogueRouting routing;
    static ModelRegistry modelsA;
    static ModelRegistry modelsB;
    static WorkerPool workerA;
    static WorkerPool workerB;

    @BeforeAll
    static void start() {
        modelsA = Turns.registry();
        modelsB = ModelRegistry.load(Map.of(MODEL_B, SharedModels.require("stories260K.gguf")), 2,
            EngineConfig.defaults().withKvCacheTokens(8192).withBatch(256, 16).withMaxModelLen(512));
        topics = new KafkaTestTopics(4);
        routing = new DialogueRouting(topics.requests, topics.group, Set.of(MODEL_B));
        WorkerSettings base = Turns.settings(topics, "worker-a");
        WorkerSettings poolB = WorkerLifecycle.poolSettings(Turns.settings(topics, "worker-b"), Optional.of(MODEL_B),
            modelsB.names());
        assertEquals(routing.dedicatedTopic(MODEL_B), poolB.requestsTopic());
        assertTrue(WorkerTopics.ensureRequests(KafkaTestTopics.BOOTSTRAP, poolB.requestsTopic(), 4, Topic.DIALOGUE_REQUESTS.retentionMs()),
            "the dedicated pool's topic is created");
        assertTrue(!WorkerTopics.ensureRequests(KafkaTestTopics.BOOTSTRAP, poolB.requestsTopic(), 4, Topic.DIALOGUE_REQUESTS.retentionMs()),
            "and found the second time");
        workerA = new WorkerPool(base, modelsA, Turns.metrics(), WorkerHooks.NONE);
        workerB = new WorkerPool(poolB, modelsB, Turns.metrics(), WorkerHooks.NONE);
        workerA.start();
        workerB.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> workerA.assignment().size() == 4 && workerB.assignment().size() == 4);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {workerA, workerB, topics, modelsA, modelsB}) {
            if (c != null) {
                c.close();
            }
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestTopics.BOOTSTRAP);
        try (Admin admin = Admin.create(p)) {
            admin.deleteTopics(List.of(routing.dedicatedTopic(MODEL_B))).all().get(30, TimeUnit.SECONDS);
            admin.deleteConsumerGroups(List.of(routing.dedicatedGroup(MODEL_B))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: uniquely named
        }
    }

    static TurnCompleted completionOf(String turnId) {
        await().atMost(Duration.ofSeconds(120))
            .until(() -> topics.of(TurnCompleted.class).stream().anyMatch(c -> c.turnId().equals(turnId)));
        return topics.of(TurnCompleted.class).stream().filter(c -> c.turnId().equals(turnId)).findFirst().orElseThrow();
    }

    static GenerateTurn turnFor(String session, String model) {
        return Turns.turn(session, model, Turns.greedy(session, 1).segments(), SamplingSettings.greedy(24), null);
    }

    @Test
    void eachModelsRequestIsServedByTheWorkerOfItsPool() {
        GenerateTurn a = turnFor("session-route-a", Turns.MODEL);
        GenerateTurn b = turnFor("session-route-b", MODEL_B);
        assertEquals(topics.requests, routing.requestsTopic(a.model()));
        assertEquals(routing.dedicatedTopic(MODEL_B), routing.requestsTopic(b.model()));
        topics.send(routing.requestsTopic(a.model()), a);
        topics.send(routing.requestsTopic(b.model()), b);

        TurnCompleted doneA = completionOf(a.turnId());
        TurnCompleted doneB = completionOf(b.turnId());
        assertEquals("worker-a", doneA.workerId());
        assertEquals(Turns.MODEL, doneA.model());
        assertEquals("worker-b", doneB.workerId());
        assertEquals(MODEL_B, doneB.model());
        assertTrue(List.of("stop", "length").contains(doneB.finishReason()), doneB.finishReason() + ": " + doneB.error());
        assertEquals(doneA.text(), doneB.text(), "same weights, same prompt, greedy: the same reply from either pool");
        assertEquals(1, topics.of(TurnCompleted.class).stream().filter(c -> c.turnId().equals(b.turnId())).count(),
            "only the dedicated pool saw the turn");
    }

    @Test
    void anUnknownModelGetsAnErrorCompletionAndTheNextTurnOfThePartitionIsServed() {
        GenerateTurn unknown = turnFor("session-route-unknown", "llama-70b");
        assertEquals(topics.requests, routing.requestsTopic(unknown.model()), "models without a pool go to the default pool");
        RecordMetadata at = topics.send(routing.requestsTopic(unknown.model()), unknown);
        GenerateTurn next = turnFor("session-route-unknown", Turns.MODEL);
        topics.send(routing.requestsTopic(next.model()), next);

        TurnCompleted error = completionOf(unknown.turnId());
        assertEquals("error", error.finishReason());
        assertEquals("worker-a", error.workerId());
        assertTrue(error.error().contains("'llama-70b' is not served by this pool (it serves " + Turns.MODEL + ")"), error.error());
        TurnCompleted served = completionOf(next.turnId());
        assertTrue(List.of("stop", "length").contains(served.finishReason()), served.finishReason() + ": " + served.error());
        assertNull(served.error());
        await().atMost(Duration.ofSeconds(60)).until(() -> topics.committed(at.partition()) > at.offset() + 1);
    }

    @Test
    void aMisroutedRequestIsAnsweredByThePoolItReachedNamingWhatThatPoolServes() {
        GenerateTurn misrouted = turnFor("session-route-mis", Turns.MODEL);
        topics.send(routing.dedicatedTopic(MODEL_B), misrouted);
        TurnCompleted error = completionOf(misrouted.turnId());
        assertEquals("error", error.finishReason());
        assertEquals("worker-b", error.workerId());
        assertTrue(error.error().contains("it serves " + MODEL_B), error.error());
    }
}
