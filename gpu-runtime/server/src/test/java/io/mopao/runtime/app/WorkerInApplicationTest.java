package io.mopao.runtime.app;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.engine.serving.Completion;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.runtime.engine.EngineWarmup;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.testing.KafkaTestTopics;
import io.mopao.runtime.testing.Turns;
import io.mopao.runtime.worker.WorkerLifecycle;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application as deployed: its own worker (started by {@link WorkerLifecycle} from configuration) consumes a turn
 * from the real broker and streams it back, with the same engine the HTTP API uses.
 */
@QuarkusTest
@TestProfile(WorkerInApplicationTest.WorkerOnPrivateTopics.class)
class WorkerInApplicationTest {
    static KafkaTestTopics topics;

    /**
     * The worker enabled, on private topics made before the application starts (a profile: its own application), with
     * the engine's compute threads at nice 3 and a start-up warm-up of 12 turns.
     */
    public static class WorkerOnPrivateTopics implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PrivateDialogueTopics.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mopao.runtime.engine.compute-nice", "3", "mopao.runtime.engine.warmup-turns", "12");
        }
    }

    @Inject
    WorkerLifecycle lifecycle;
    @Inject
    ModelRegistry models;
    @Inject
    EngineWarmup warmup;

    @BeforeAll
    static void attach() {
        topics = KafkaTestTopics.attach(PrivateDialogueTopics.SUFFIX);
    }

    @AfterAll
    static void detach() {
        if (topics != null) {
            topics.close();
        }
    }

    @Test
    void theWorkerJoinsItsGroupAfterTheStartUpWarmUp() {
        await().atMost(Duration.ofSeconds(60)).until(() -> lifecycle.worker().isPresent());
        assertTrue(warmup.finishedAtNanos() != 0 && warmup.finishedAtNanos() <= lifecycle.worker().orElseThrow().startedAtNanos(),
            "the worker starts consuming only once the warm-up is over");
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
            .body("checks.find { it.name == 'warm-up' }.data.state", containsString("stories260K: 12 of 12 turns"));
    }

    @Test
    void theConfiguredWorkerServesATurnFromKafkaWithTheApplicationsEngine() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> lifecycle.worker().isPresent());
        assertEquals(topics.requests, lifecycle.settings().requestsTopic());
        await().atMost(Duration.ofSeconds(60)).until(() -> lifecycle.worker().orElseThrow().assignment().size() == 2);

        GenerateTurn turn = Turns.greedy("session-app", 24);
        topics.send(topics.requests, turn);
        await().atMost(Duration.ofSeconds(120))
            .until(() -> topics.of(TurnCompleted.class).stream().anyMatch(c -> c.turnId().equals(turn.turnId())));
        TurnCompleted done = topics.of(TurnCompleted.class).stream().filter(c -> c.turnId().equals(turn.turnId())).findFirst()
            .orElseThrow();
        assertEquals(PrivateDialogueTopics.WORKER_ID, done.workerId());
        assertEquals(3, models.find(Turns.MODEL).orElseThrow().model().options().computeNice(),
            "mopao.runtime.engine.compute-nice reaches the model's compute threads");
        Completion direct = Turns.direct(models.find(Turns.MODEL).orElseThrow(), 24);
        assertEquals(direct.text(), done.text(), "the application's worker replies with its engine's greedy output");
        String streamed = topics.of(TokenChunk.class).stream().filter(c -> c.turnId().equals(turn.turnId())).map(TokenChunk::text)
            .collect(Collectors.joining());
        assertEquals(done.text(), streamed);

        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("mopao_runtime_turns_total"))
            .body(containsString("path=\"kafka\""));
    }
}
