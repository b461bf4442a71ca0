package io.mopao.story.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mopao.events.Topic;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.character.CharacterUpserted;
import io.mopao.events.dialogue.SamplingSettings;
import io.mopao.events.testing.KafkaBrokerProcess;
import io.mopao.events.testing.KeycloakTokens;
import io.mopao.events.world.WorldSnapshot;
import io.mopao.events.world.WorldUpserted;
import io.mopao.story.it.Fixtures;
import io.mopao.story.it.StreamClient;
import io.mopao.story.prompt.TokenCounter;
import io.mopao.story.service.ModelTokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The acceptance end-to-end test: the real broker (a private KRaft broker from the jars {@code ./mopao infra up} caches,
 * so no other engineer's running worker answers our turns and our test characters never reach a running platform's
 * read models), a real gpu-runtime worker process ({@code gpu-runtime/server/target/quarkus-app}) serving stories260K
 * on the CPU, and two story-engine replicas (this module's {@code target/quarkus-app}, two processes) sharing
 * PostgreSQL ({@code mopao_story_test}), Redis and Kafka.
 *
 * <p>The player's socket is always on the replica that does <em>not</em> own the dialogue-events partition in the shared
 * {@code dialogue-persist} group, so the completion is consumed for persistence on the other replica, and the socket's
 * replica still delivers chunks and {@code done} with the stored message id through its own relay group.
 */
class StoryEngineE2EIT {

    private static final String USER = "carol";
    private static final String PERSIST_GROUP = "story-engine-persist";
    private static final String EVENTS_TOPIC = "mopao.dialogue.events";
    private static final String MODEL = "stories260K";
    /** llama2.c vocabularies (stories260K's tok512) end a text with token 2. */
    private static final int EOS = 2;
    private static final Duration TURN_TIMEOUT = Duration.ofSeconds(90);
    private static final int SHORT_REPLY_TOKENS = 24;

    private static Path models;
    private static KafkaBrokerProcess broker;
    private static ServiceProcess worker;
    private static ServiceProcess replicaA;
    private static ServiceProcess replicaB;
    /** Holds the player's sockets; does not persist completions of the events partition. */
    private static ServiceProcess socketReplica;
    /** Owns the events partition in the shared persist group. */
    private static ServiceProcess persistReplica;
    private static CharacterSnapshot character;
    private static WorldSnapshot shortWorld;
    private static WorldSnapshot endlessWorld;

    @BeforeAll
    static void startPlatform() throws Exception {
        models = modelsDir();
        Path module = Path.of("").toAbsolutePath();
        Path storyJar = module.resolve("target/quarkus-app/quarkus-run.jar");
        Path workerJar = module.resolve("../gpu-runtime/server/target/quarkus-app/quarkus-run.jar").normalize();
        Path run = Files.createDirectories(module.resolve("target/e2e-" + UUID.randomUUID()));
        requireJar(storyJar, "./mvnw -pl story-engine package");
        requireJar(workerJar, "./mvnw -pl gpu-runtime/server package -DskipTests");

        broker = KafkaBrokerProcess.onFreePorts(run.resolve("kafka"));
        broker.start();
        String bootstrap = broker.bootstrapServers();
        System.setProperty("mopao.kafka.bootstrap", bootstrap);
        createTopics(bootstrap);

        // the three applications start in parallel (2 cores: their start-up dominates this test)
        worker = ServiceProcess.start("gpu-runtime-worker", workerJar, run, jvm(module, "gpu-runtime", "--add-modules=jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx512m"), Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "mopao.runtime.models-dir", models.toString(),
                "mopao.runtime.worker-id", "e2e-worker",
                "mopao.runtime.engine.max-model-len", "2048",
                "mopao.runtime.engine.kv-cache-tokens", "8192"));
        replicaA = startReplica("a", module, storyJar, run, bootstrap);
        replicaB = startReplica("b", module, storyJar, run, bootstrap);
        Duration startUp = Duration.ofSeconds(150);
        worker.awaitReady(startUp);
        replicaA.awaitReady(startUp);
        replicaB.awaitReady(startUp);

        String owner = persistOwner(bootstrap);
        persistReplica = owner.contains("e2e-a") ? replicaA : replicaB;
        socketReplica = persistReplica == replicaA ? replicaB : replicaA;

        character = Fixtures.character("Lily", 1, "public", null);
        Fixtures.publish(new CharacterUpserted(character));
        // short replies keep the test fast; the endless world bans the end-of-text token and leaves the reply budget open
        shortWorld = world("Meadow", new SamplingSettings(null, null, null, null, null, null, null, null, null, SHORT_REPLY_TOKENS,
            List.of(), Map.of()));
        endlessWorld = world("Endless meadow", new SamplingSettings(null, null, null, null, null, null, null, null, null, null,
            List.of(), Map.of(EOS, -100.0)));
    }

    @AfterAll
    static void stopPlatform() throws InterruptedException {
        for (ServiceProcess app : new ServiceProcess[] {replicaA, replicaB, worker}) {
            if (app != null) {
                app.stop();
            }
        }
        for (AutoCloseable process : new AutoCloseable[] {replicaA, replicaB, worker, broker}) {
            if (process != null) {
                try {
                    process.close();
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    // keep closing the others
                }
            }
        }
    }

    private static WorldSnapshot world(String title, SamplingSettings sampling) {
        WorldSnapshot world = new WorldSnapshot(UUID.randomUUID().toString(), 1, "owner-w", "bob", "public", "general", false, title,
            "A sunny meadow.", "", "gentle", List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), sampling,
            Instant.parse("2026-11-28T08:00:00Z"));
        Fixtures.publish(new WorldUpserted(world));
        return world;
    }

    /**
     * A class-data-sharing archive per application in {@code target/e2e-cds}, written at the first run's exit and reused
     * by later runs (the JVM rebuilds it when the jars changed): start-up dominates this test on 2 cores.
     */
    private static List<String> jvm(Path module, String name, String... options) throws java.io.IOException {
        Path archives = Files.createDirectories(module.resolve("target/e2e-cds"));
        List<String> all = new ArrayList<>(List.of(options));
        all.add("-XX:+AutoCreateSharedArchive");
        all.add("-XX:SharedArchiveFile=" + archives.resolve(name + ".jsa"));
        return all;
    }

    /** The catalogue's topics (one partition each), as {@code ./mopao infra up} creates them before anything runs. */
    private static void createTopics(String bootstrap) throws Exception {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(config)) {
            List<NewTopic> topics = new ArrayList<>();
            for (Topic topic : Topic.values()) {
                topics.add(new NewTopic(topic.topicName(), 1, (short) 1)
                    .configs(Map.of("cleanup.policy", topic.cleanupPolicy().kafkaName())));
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    private static ServiceProcess startReplica(String id, Path module, Path jar, Path run, String bootstrap) throws java.io.IOException {
        return ServiceProcess.start("story-engine-" + id, jar, run, jvm(module, "story-engine-" + id, "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xmx384m"),
            Map.of("kafka.bootstrap.servers", bootstrap,
                "quarkus.datasource.reactive.url", "postgresql://127.0.0.1:5432/mopao_story_test",
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:5432/mopao_story_test",
                "mopao.story.replica-id", "e2e-" + id,
                "mopao.story.model", MODEL,
                // the context budget and token counts follow the served model (2048 positions, the worker's max-model-len)
                "mopao.story.tokenizer-model", models.resolve(MODEL + ".gguf").toString(),
                "mopao.story.turns-per-window", "1000",
                "mp.messaging.incoming.dialogue-persist.client.id", "persist-e2e-" + id));
    }

    // ---- the tests ------------------------------------------------------------------------------------------------

    @Test
    void sayStreamsTheWorkersChunksInOrderAndPersistsTheReplyOnce() {
        String sessionId = newSession(shortWorld.id());
        try (StreamClient client = connect(sessionId)) {
            client.send("{\"type\":\"say\",\"text\":\"Once upon a time, there was a little dog.\"}");
            assertEquals("Once upon a time, there was a little dog.", client.await("message_saved").path("message").path("content")
                .asText());
            Turn turn = Turn.follow(client, client.await("turn_started").path("turnId").asText());
            assertFalse(turn.streamed().isBlank(), "the model wrote something");
            assertEquals(turn.streamed(), turn.done().path("text").asText(), "the chunks add up to the completion");
            assertTrue(List.of("stop", "length").contains(turn.done().path("finishReason").asText()), turn.done().toString());
            assertNotNull(turn.messageId());

            // the reply is stored once, and the other replica reads it from the shared database
            Map<String, Object> last = history(persistReplica, sessionId).getLast();
            assertEquals(turn.messageId(), last.get("id"));
            assertEquals("assistant", last.get("role"));
            assertEquals(turn.streamed(), last.get("content"));
            assertEquals(1, tree(socketReplica, sessionId).stream().filter(m -> turn.turnId().equals(m.get("turnId"))).count());
            Map<String, Object> stored = api(socketReplica).get("/api/sessions/" + sessionId + "/turns").then().statusCode(200).extract()
                .jsonPath().getList("findAll { it.id == '" + turn.turnId() + "' }", Map.class).getFirst();
            assertEquals("completed", stored.get("status"));
        }
    }

    @Test
    void regenerateMakesASiblingAndBranchesCanBeSwitched() {
        String sessionId = newSession(shortWorld.id());
        try (StreamClient client = connect(sessionId)) {
            Turn first = Turn.play(client, "{\"type\":\"say\",\"text\":\"The cat saw a big tree.\"}");
            Turn second = Turn.play(client, "{\"type\":\"regenerate\"}");
            assertNotNull(second.messageId());
            assertNotEquals(first.messageId(), second.messageId());
            Map<String, Object> last = history(socketReplica, sessionId).getLast();
            assertEquals(second.messageId(), last.get("id"));
            assertEquals(2, last.get("swipeCount"));
            assertEquals(1, last.get("swipeIndex"));

            // switch to the first swipe (through the replica without the socket: both read the same tree)
            api(persistReplica).contentType(ContentType.JSON).body("{\"messageId\":\"" + first.messageId() + "\"}")
                .put("/api/sessions/" + sessionId + "/active-leaf").then().statusCode(200);
            assertEquals(first.messageId(), history(socketReplica, sessionId).getLast().get("id"));

            // branch from the greeting: the next message forks there
            String greeting = (String) history(socketReplica, sessionId).getFirst().get("id");
            api(persistReplica).post("/api/sessions/" + sessionId + "/messages/" + greeting + "/branch").then().statusCode(200);
            Turn other = Turn.play(client, "{\"type\":\"say\",\"text\":\"The sun was hot.\"}");
            List<Map<String, Object>> branch = history(socketReplica, sessionId);
            assertEquals(3, branch.size());
            assertEquals("The sun was hot.", branch.get(1).get("content"));
            assertEquals(other.messageId(), branch.get(2).get("id"));

            // back to the first branch through its player message (descending to its newest reply)
            String firstSay = (String) tree(socketReplica, sessionId).stream()
                .filter(m -> "The cat saw a big tree.".equals(m.get("content"))).findFirst().orElseThrow().get("id");
            api(socketReplica).contentType(ContentType.JSON).body("{\"messageId\":\"" + firstSay + "\"}")
                .put("/api/sessions/" + sessionId + "/active-leaf").then().statusCode(200);
            assertEquals(second.messageId(), history(persistReplica, sessionId).getLast().get("id"));
        }
    }

    @Test
    void stopMidTurnCancelsTheWorkersGenerationAndKeepsThePartialReply() {
        // the world bans the end-of-text token: the reply would run to the reply budget (1536 tokens) unless stopped
        String sessionId = newSession(endlessWorld.id());
        try (StreamClient client = connect(sessionId)) {
            client.send("{\"type\":\"say\",\"text\":\"Tell me a very long story about a bird.\"}");
            String turnId = client.await("turn_started").path("turnId").asText();
            client.await(f -> "chunk".equals(f.path("type").asText()) && turnId.equals(f.path("turnId").asText()), TURN_TIMEOUT);
            client.send("{\"type\":\"stop\"}");
            JsonNode done = client.await(f -> "done".equals(f.path("type").asText()) && turnId.equals(f.path("turnId").asText()),
                TURN_TIMEOUT);
            assertEquals("cancelled", done.path("finishReason").asText(), done.toString());
            String partial = done.path("text").asText();
            assertFalse(partial.isBlank(), "the partial reply is kept");
            Map<String, Object> last = history(persistReplica, sessionId).getLast();
            assertEquals(done.path("messageId").asText(), last.get("id"));
            assertEquals(partial, last.get("content"));
            // the session is free again: the next turn is accepted
            client.send("{\"type\":\"stop\"}");
            assertEquals("no_running_turn", client.await("error").path("code").asText());
        }
    }

    @Test
    void aTurnRequestedThroughOneReplicaStreamsToTheSocketOnTheOther() {
        String sessionId = newSession(shortWorld.id());
        try (StreamClient client = connect(sessionId)) {
            // the player's socket is on one replica; the POST (e.g. the SSE alternative behind a load balancer) on the other
            String turnId = api(persistReplica).contentType(ContentType.JSON).body("{\"type\":\"say\",\"text\":\"A frog jumped.\"}")
                .post("/api/sessions/" + sessionId + "/turns").then().statusCode(202).extract().path("turnId");
            // the frames the other replica created itself reach this socket through the Redis fan-out
            assertEquals("A frog jumped.", client.await(f -> "message_saved".equals(f.path("type").asText())
                && turnId.equals(f.path("turnId").asText()), TURN_TIMEOUT).path("message").path("content").asText());
            assertEquals("Lily", client.await(f -> "turn_started".equals(f.path("type").asText())
                && turnId.equals(f.path("turnId").asText()), TURN_TIMEOUT).path("speaker").asText());
            Turn turn = Turn.follow(client, turnId);
            assertFalse(turn.streamed().isBlank());
            assertEquals(turn.messageId(), history(socketReplica, sessionId).getLast().get("id"));
            assertEquals(1, tree(persistReplica, sessionId).stream().filter(m -> turnId.equals(m.get("turnId"))).count());
        }
    }

    @Test
    void anOverLongHistoryIsTrimmedOldestFirstToFitTheWorkersContext() {
        String sessionId = newSession(shortWorld.id());
        // each message is about 500 of stories260K's tokens: three of them and the prefix overflow 2048 - 512 tokens
        String filler = " The little dog ran to the park and found a shiny red ball under the old tree.".repeat(25);
        try (StreamClient client = connect(sessionId)) {
            for (int i = 0; i < 3; i++) {
                Turn.play(client, "{\"type\":\"say\",\"text\":\"Message " + i + "." + filler + "\"}");
            }
            Turn last = Turn.play(client, "{\"type\":\"say\",\"text\":\"Message 3." + filler + "\"}");
            assertTrue(List.of("stop", "length").contains(last.done().path("finishReason").asText()), last.done().toString());

            JsonNode prompt = api(socketReplica).get("/api/sessions/" + sessionId + "/turns/" + last.turnId() + "/prompt").then()
                .statusCode(200).extract().as(JsonNode.class);
            List<JsonNode> history = new ArrayList<>();
            prompt.path("segments").forEach(s -> {
                if ("history".equals(s.path("kind").asText())) {
                    history.add(s);
                }
            });
            assertTrue(prompt.path("droppedHistory").asInt() > 0, "the oldest messages were dropped: " + prompt.path("droppedHistory"));
            assertTrue(history.getLast().path("content").asText().startsWith("Message 3."), "the newest message stays");
            assertFalse(history.stream().anyMatch(h -> h.path("content").asText().startsWith("Message 0.")), "the oldest went first");

            // story-engine counted with the worker's tokenizer: the prompt fits the worker's context as sent (the worker dropped
            // nothing: it counted at least the sent segments' own tokens), within the reply budget
            TokenCounter counter = ModelTokens.ModelFile.read(models.resolve(MODEL + ".gguf")).counter();
            int contentTokens = 0;
            for (JsonNode segment : prompt.path("segments")) {
                contentTokens += counter.count(segment.path("content").asText());
            }
            Map<String, Object> turn = api(socketReplica).get("/api/sessions/" + sessionId + "/turns").then().statusCode(200).extract()
                .jsonPath().getList("findAll { it.id == '" + last.turnId() + "' }", Map.class).getFirst();
            int runtimePromptTokens = (Integer) turn.get("promptTokens");
            int counted = prompt.path("estimatedTokens").asInt();
            assertTrue(runtimePromptTokens >= contentTokens, "the worker kept every segment: " + runtimePromptTokens + " < "
                + contentTokens);
            assertTrue(runtimePromptTokens <= counted, "story-engine's count is an upper bound: " + runtimePromptTokens + " > " + counted);
            assertTrue(counted <= 2048 - 512, counted + " tokens leave room for the reply");
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** Streams of one turn: chunks in order until its done frame. */
    record Turn(String turnId, String streamed, JsonNode done) {

        static Turn play(StreamClient client, String frame) {
            client.send(frame);
            return follow(client, client.await("turn_started").path("turnId").asText());
        }

        static Turn follow(StreamClient client, String turnId) {
            StringBuilder text = new StringBuilder();
            int expectedSeq = 0;
            while (true) {
                JsonNode next = client.await(f -> turnId.equals(f.path("turnId").asText())
                    && List.of("chunk", "done", "restart").contains(f.path("type").asText()), TURN_TIMEOUT);
                switch (next.path("type").asText()) {
                    case "chunk" -> {
                        assertEquals(expectedSeq++, next.path("seq").asInt(), "chunks arrive in order");
                        text.append(next.path("text").asText());
                    }
                    case "restart" -> {
                        text.setLength(0);
                        expectedSeq = 0;
                    }
                    default -> {
                        return new Turn(turnId, text.toString(), next);
                    }
                }
            }
        }

        String messageId() {
            return done.path("messageId").isNull() ? null : done.path("messageId").asText(null);
        }
    }

    private static StreamClient connect(String sessionId) {
        StreamClient client = StreamClient.queryToken(socketReplica.port(), sessionId, KeycloakTokens.accessToken(USER));
        client.await("subscribed");
        return client;
    }

    private static RequestSpecification api(ServiceProcess replica) {
        return given().baseUri(replica.baseUri()).auth().oauth2(KeycloakTokens.accessToken(USER));
    }

    /** A new session of the test character (waits until the read model of the socket's replica has it). */
    private static String newSession(String worldId) {
        String body = "{\"characterIds\":[\"" + character.id() + "\"],\"worldId\":\"" + worldId + "\"}";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Response response = api(socketReplica).contentType(ContentType.JSON).body(body).post("/api/sessions");
            if (response.statusCode() == 201) {
                return response.path("id");
            }
            if (response.statusCode() != 404 || System.nanoTime() > deadline) {
                throw new AssertionError("cannot start a session: " + response.statusCode() + " " + response.asString());
            }
            sleep(200);
        }
    }

    private static List<Map<String, Object>> history(ServiceProcess replica, String sessionId) {
        return api(replica).get("/api/sessions/" + sessionId + "/messages").then().statusCode(200).extract().jsonPath().getList("$");
    }

    private static List<Map<String, Object>> tree(ServiceProcess replica, String sessionId) {
        return api(replica).get("/api/sessions/" + sessionId + "/tree").then().statusCode(200).extract().jsonPath().getList("$");
    }

    /** The client id of the persist-group member that owns the (single) dialogue-events partition, once both joined. */
    private static String persistOwner(String bootstrap) throws Exception {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(config)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            List<String> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(PERSIST_GROUP)).all().get(10, TimeUnit.SECONDS)
                    .get(PERSIST_GROUP);
                seen.add(group.groupState() + " " + group.members().stream().map(MemberDescription::clientId).toList());
                if (group.members().size() == 2) {
                    for (MemberDescription member : group.members()) {
                        if (member.assignment().topicPartitions().stream().anyMatch(p -> EVENTS_TOPIC.equals(p.topic()))) {
                            return member.clientId();
                        }
                    }
                }
                sleep(250);
            }
            throw new AssertionError("the two replicas did not share the persist group within 60 s: " + seen.getLast());
        }
    }

    private static Path modelsDir() {
        Path shared = Path.of(System.getProperty("mopao.shared.dir", "../../shared"));
        Path models = shared.resolve("models").toAbsolutePath().normalize();
        if (!Files.isRegularFile(models.resolve("stories260K.gguf"))) {
            String message = "stories260K.gguf not found in " + models + " (set -Dmopao.shared.dir)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        return models;
    }

    private static void requireJar(Path jar, String build) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run " + build + " first");
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
