package io.mopao.story.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.events.dialogue.GenerateTurn;
import io.mopao.events.dialogue.TokenChunk;
import io.mopao.events.dialogue.TurnCompleted;
import io.mopao.events.lore.LoreEntry;
import io.mopao.events.lore.Lorebook;
import io.mopao.events.world.LorebookUpserted;
import io.mopao.events.world.StorylineSnapshot;
import io.mopao.events.world.WorldSnapshot;
import io.mopao.story.repository.ReadModelRepository;
import io.mopao.story.service.TurnService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PrivateKafka.class)
class TurnStreamTest {

    @Inject
    ReadModelRepository readModels;

    @Inject
    TurnService turnService;

    private FakeRuntimeWorker worker;
    private CharacterSnapshot lin;

    @BeforeEach
    void setUp() {
        worker = Fixtures.worker();
        lin = Fixtures.givenCharacter(readModels, Fixtures.character("Lin", 1, "public", Fixtures.lorebook()));
    }

    private String session(FakeRuntimeWorker.Mode mode) {
        String id = Fixtures.newSession("alice", lin.id());
        worker.serve(id, mode);
        return id;
    }

    private static StreamClient connect(String sessionId) {
        StreamClient client = StreamClient.queryToken(RestAssured.port, sessionId, Fixtures.token("alice"));
        client.await("subscribed");
        return client;
    }

    private static List<Map<String, Object>> history(String sessionId) {
        return given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId + "/messages").then().statusCode(200)
            .extract().jsonPath().getList("$");
    }

    /** Sends a frame and collects chunk text until the done frame of that turn. */
    private static Turn play(StreamClient client, String frame) {
        if (frame != null) {
            client.send(frame);
        }
        JsonNode started = client.await("turn_started");
        String turnId = started.path("turnId").asText();
        StringBuilder text = new StringBuilder();
        int expectedSeq = 0;
        boolean restarted = false;
        List<JsonNode> frames = new java.util.ArrayList<>();
        while (true) {
            JsonNode next = client.await(f -> turnId.equals(f.path("turnId").asText())
                && List.of("chunk", "done", "restart").contains(f.path("type").asText()), Duration.ofSeconds(30));
            frames.add(next);
            switch (next.path("type").asText()) {
                case "chunk" -> {
                    assertEquals(expectedSeq++, next.path("seq").asInt(), "chunks arrive in order");
                    text.append(next.path("text").asText());
                }
                case "restart" -> {
                    restarted = true;
                    text.setLength(0);
                    expectedSeq = 0;
                }
                default -> {
                    return new Turn(turnId, text.toString(), next, restarted, frames);
                }
            }
        }
    }

    record Turn(String turnId, String streamed, JsonNode done, boolean restarted, List<JsonNode> frames) {
        String messageId() {
            return done.path("messageId").asText(null);
        }
    }

    @Test
    void sayStreamsChunksInOrderAndPersistsTheReplyOnce() {
        String sessionId = session(FakeRuntimeWorker.Mode.ECHO);
        try (StreamClient client = connect(sessionId)) {
            Turn turn = play(client, "{\"type\":\"say\",\"text\":\"Where is the lamp?\",\"clientMessageId\":\"c-1\"}");
            JsonNode saved = client.await("message_saved");
            assertEquals("Where is the lamp?", saved.path("message").path("content").asText());
            assertEquals("Echo: Where is the lamp?", turn.streamed());
            assertEquals("stop", turn.done().path("finishReason").asText());
            List<Map<String, Object>> history = history(sessionId);
            Map<String, Object> last = history.getLast();
            assertEquals(turn.messageId(), last.get("id"));
            assertEquals("Echo: Where is the lamp?", last.get("content"));
            assertEquals("assistant", last.get("role"));

            // the same clientMessageId again: the stored message comes back, no new turn
            int requests = worker.requests(sessionId).size();
            client.send("{\"type\":\"say\",\"text\":\"Where is the lamp?\",\"clientMessageId\":\"c-1\"}");
            assertEquals(saved.path("message").path("id").asText(), client.await("message_saved").path("message").path("id").asText());
            assertEquals(requests, worker.requests(sessionId).size());
        }
        // exactly one stored reply per turn
        List<Map<String, Object>> tree = given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId + "/tree")
            .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(1, tree.stream().filter(m -> "assistant".equals(m.get("role")) && m.get("turnId") != null).count());
    }

    @Test
    void theRequestIsKeyedBySessionAndItsPromptCanBeInspected() {
        String sessionId = session(FakeRuntimeWorker.Mode.ECHO);
        try (StreamClient client = connect(sessionId)) {
            Turn turn = play(client, "{\"type\":\"say\",\"text\":\"Tell me about the lamp\"}");
            GenerateTurn request = worker.requests(sessionId).getLast();
            assertEquals(turn.turnId(), request.turnId());
            assertEquals("Lin", request.speakerName());
            assertTrue(request.sampling().stop().contains("\nalice:"));
            String prompt = given().auth().oauth2(Fixtures.token("alice"))
                .get("/api/sessions/" + sessionId + "/turns/" + turn.turnId() + "/prompt").then().statusCode(200).extract().asString();
            assertTrue(prompt.contains("The lamp burns whale oil."), "activated lore is in the prompt: " + prompt);
            assertFalse(prompt.contains("creator notes"), prompt);
            assertEquals("system", request.segments().getFirst().kind());
            assertEquals("post_history", request.segments().getLast().kind());
        }
    }

    @Test
    void lorebooksListedByTheWorldOrAttachedToTheWorldOrACastMemberReachThePrompt() {
        String listed = givenLorebook("Listed by the world: the ferry schedule.", "owner-w", List.of(), List.of());
        WorldSnapshot world = Fixtures.givenWorld(readModels, Fixtures.world(null, listed));
        givenLorebook("Attached to the world: the fog bell.", "owner-w", List.of(world.id()), List.of());
        givenLorebook("Attached to Lin by her creator: the gulls.", lin.ownerId(), List.of(), List.of(lin.id()));
        // world-service cannot check who owns a character: anyone can name Lin in a lorebook, but only her owner's applies
        givenLorebook("Attached to Lin by someone else: the stolen map.", "owner-other", List.of(), List.of(lin.id()));
        givenLorebook("Unrelated: the desert.", "owner-w", List.of(UUID.randomUUID().toString()), List.of(UUID.randomUUID().toString()));
        String sessionId = Fixtures.createSession("alice", "{\"characterIds\":[\"" + lin.id() + "\"],\"worldId\":\"" + world.id() + "\"}")
            .then().statusCode(201).extract().path("id");
        worker.serve(sessionId, FakeRuntimeWorker.Mode.ECHO);
        try (StreamClient client = connect(sessionId)) {
            Turn turn = play(client, "{\"type\":\"say\",\"text\":\"What do you hear?\"}");
            String prompt = given().auth().oauth2(Fixtures.token("alice"))
                .get("/api/sessions/" + sessionId + "/turns/" + turn.turnId() + "/prompt").then().statusCode(200).extract().asString();
            assertTrue(prompt.contains("the ferry schedule"), prompt);
            assertTrue(prompt.contains("the fog bell"), prompt);
            assertTrue(prompt.contains("the gulls"), prompt);
            assertFalse(prompt.contains("the stolen map"), "another creator's lorebook on Lin does not apply: " + prompt);
            assertFalse(prompt.contains("the desert"), prompt);
        }
    }

    /** A standalone lorebook with one constant entry, attached as given; waits for its read model. */
    private String givenLorebook(String content, String ownerId, List<String> worldIds, List<String> characterIds) {
        LoreEntry entry = new LoreEntry(1, List.of(), List.of(), null, false, true, true, 100, LoreEntry.Position.AFTER_CHARACTER, 0, null,
            null, null, null, 100, false, false, false, false, "label", content);
        Lorebook book = new Lorebook(UUID.randomUUID().toString(), "Book", null, 2, 200, false, List.of(entry));
        Fixtures.publish(new LorebookUpserted(book, ownerId, worldIds, characterIds, 1));
        Fixtures.awaitVersion(readModels, ReadModelRepository.LOREBOOK, book.id(), 1);
        return book.id();
    }

    @Test
    void regenerateMakesASiblingAndSwitchingBranchesChangesTheHistory() {
        String sessionId = session(FakeRuntimeWorker.Mode.ECHO);
        try (StreamClient client = connect(sessionId)) {
            Turn first = play(client, "{\"type\":\"say\",\"text\":\"Hello\"}");
            Turn second = play(client, "{\"type\":\"regenerate\"}");
            assertNotNull(second.messageId());
            assertFalse(second.messageId().equals(first.messageId()));
            Map<String, Object> last = history(sessionId).getLast();
            assertEquals(second.messageId(), last.get("id"));
            assertEquals(2, last.get("swipeCount"));
            assertEquals(1, last.get("swipeIndex"));

            given().auth().oauth2(Fixtures.token("alice")).contentType(ContentType.JSON)
                .body("{\"messageId\":\"" + first.messageId() + "\"}").put("/api/sessions/" + sessionId + "/active-leaf")
                .then().statusCode(200);
            assertEquals(first.messageId(), history(sessionId).getLast().get("id"));

            // branch from the greeting: the next message forks there
            String greeting = (String) history(sessionId).getFirst().get("id");
            given().auth().oauth2(Fixtures.token("alice")).post("/api/sessions/" + sessionId + "/messages/" + greeting + "/branch")
                .then().statusCode(200);
            Turn other = play(client, "{\"type\":\"say\",\"text\":\"A different path\"}");
            List<Map<String, Object>> branch = history(sessionId);
            assertEquals(3, branch.size());
            assertEquals("A different path", branch.get(1).get("content"));
            assertEquals(other.messageId(), branch.get(2).get("id"));

            // switch back to the first branch through its user message (descending to its newest reply)
            String hello = (String) given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId + "/tree")
                .then().extract().jsonPath().getList("findAll { it.content == 'Hello' }.id").getFirst();
            given().auth().oauth2(Fixtures.token("alice")).contentType(ContentType.JSON)
                .body("{\"messageId\":\"" + hello + "\"}").put("/api/sessions/" + sessionId + "/active-leaf").then().statusCode(200);
            assertEquals(second.messageId(), history(sessionId).getLast().get("id"));
        }
    }

    @Test
    void continueExtendsTheReplyAndEditAndDeleteReshapeTheTree() {
        String sessionId = session(FakeRuntimeWorker.Mode.ECHO);
        try (StreamClient client = connect(sessionId)) {
            Turn first = play(client, "{\"type\":\"say\",\"text\":\"Go on\"}");
            Turn more = play(client, "{\"type\":\"continue\"}");
            GenerateTurn request = worker.requests(sessionId).getLast();
            assertEquals("Echo: Go on", request.continuation());
            Map<String, Object> last = history(sessionId).getLast();
            assertEquals(more.messageId(), last.get("id"));
            assertEquals("Echo: Go on" + more.streamed(), last.get("content"));

            given().auth().oauth2(Fixtures.token("alice")).contentType(ContentType.JSON).body("{\"content\":\"Edited.\"}")
                .patch("/api/sessions/" + sessionId + "/messages/" + first.messageId()).then().statusCode(200);
            given().auth().oauth2(Fixtures.token("alice")).delete("/api/sessions/" + sessionId + "/messages/" + more.messageId())
                .then().statusCode(200);
            Map<String, Object> now = history(sessionId).getLast();
            assertEquals(first.messageId(), now.get("id"));
            assertEquals("Edited.", now.get("content"));
        }
    }

    @Test
    void impersonationReturnsADraftWithoutStoringIt() {
        String sessionId = session(FakeRuntimeWorker.Mode.ECHO);
        try (StreamClient client = connect(sessionId)) {
            int before = history(sessionId).size();
            Turn draft = play(client, "{\"type\":\"impersonate\"}");
            assertNull(draft.messageId());
            assertEquals("alice", worker.requests(sessionId).getLast().speakerName());
            assertEquals(before, history(sessionId).size());
        }
    }

    private static void assertNull(String value) {
        assertTrue(value == null || value.isEmpty() || "null".equals(value), "expected no message id but got " + value);
    }

    @Test
    void stopMidTurnPublishesTurnCancelledAndKeepsThePartialReply() {
        String sessionId = session(FakeRuntimeWorker.Mode.SLOW);
        try (StreamClient client = connect(sessionId)) {
            client.send("{\"type\":\"say\",\"text\":\"Tell me a long story\"}");
            String turnId = client.await("turn_started").path("turnId").asText();
            client.await(f -> "chunk".equals(f.path("type").asText()) && f.path("seq").asInt() >= 1, Duration.ofSeconds(30));
            client.send("{\"type\":\"stop\"}");
            JsonNode done = client.await(f -> "done".equals(f.path("type").asText()), Duration.ofSeconds(30));
            assertEquals("cancelled", done.path("finishReason").asText());
            assertEquals(turnId, worker.cancellations(sessionId).getFirst().turnId());
            Map<String, Object> last = history(sessionId).getLast();
            assertEquals(done.path("messageId").asText(), last.get("id"));
            assertEquals(done.path("text").asText(), last.get("content"));
            assertTrue(((String) last.get("content")).startsWith("word0 word1 "));
        }
    }

    @Test
    void aRestartedAttemptSupersedesTheDeadOne() {
        String sessionId = session(FakeRuntimeWorker.Mode.RESTART);
        try (StreamClient client = connect(sessionId)) {
            Turn turn = play(client, "{\"type\":\"say\",\"text\":\"Are you there?\"}");
            assertTrue(turn.restarted(), "the client saw a clean restart: " + turn.frames());
            assertEquals("Echo: Are you there?", turn.streamed());
            // the dead attempt's late chunk and completion change nothing
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> "Echo: Are you there?".equals(history(sessionId).getLast().get("content")));
            assertTrue(client.drain().stream().noneMatch(f -> f.path("text").asText("").contains("zombie")));
        }
    }

    @Test
    void aCompletionPersistedByAnotherReplicaStillReachesTheSocket() {
        // Replica B is simulated in-test: it consumed the completion first and persisted it through the same service
        // code and database; replica A (this app) holds the socket and receives the same event on its own relay group.
        String sessionId = session(FakeRuntimeWorker.Mode.MANUAL);
        try (StreamClient client = connect(sessionId)) {
            client.send("{\"type\":\"say\",\"text\":\"Two replicas\"}");
            String turnId = client.await("turn_started").path("turnId").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> !worker.requests(sessionId).isEmpty());
            GenerateTurn request = worker.requests(sessionId).getLast();
            assertEquals(turnId, request.turnId());
            worker.send(new TokenChunk(turnId, sessionId, "attempt-x", 0, "Both ", 1));
            worker.send(new TokenChunk(turnId, sessionId, "attempt-x", 1, "replicas.", 1));
            client.await(f -> "chunk".equals(f.path("type").asText()) && f.path("seq").asInt() == 1, Duration.ofSeconds(30));
            TurnCompleted completion = FakeRuntimeWorker.completion(request, "attempt-x", 2, "stop", "Both replicas.");
            var persistedByB = Fixtures.onVertx(() -> turnService.complete(completion));
            assertTrue(persistedByB.isPresent());
            worker.send(completion);
            JsonNode done = client.await("done");
            assertEquals(persistedByB.get().messageId().toString(), done.path("messageId").asText());
            List<Map<String, Object>> tree = given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId + "/tree")
                .then().extract().jsonPath().getList("$");
            assertEquals(1, tree.stream().filter(m -> turnId.equals(m.get("turnId"))).count());
            assertTrue(Fixtures.onVertx(() -> turnService.complete(completion)).isEmpty(), "persisted once");
        }
    }

    @Test
    void concurrentCompletionsOfOneTurnStoreTheReplyOnce() {
        // replicas racing to persist the same completion: the turn row's lock serialises them, the first stores the
        // reply, the others see the turn finished (no duplicate message, no unique-violation failure)
        String sessionId = session(FakeRuntimeWorker.Mode.MANUAL);
        String turnId = given().auth().oauth2(Fixtures.token("alice")).contentType(ContentType.JSON)
            .body("{\"type\":\"say\",\"text\":\"Race\"}").post("/api/sessions/" + sessionId + "/turns")
            .then().statusCode(202).extract().path("turnId");
        await().atMost(Duration.ofSeconds(30)).until(() -> !worker.requests(sessionId).isEmpty());
        TurnCompleted completion = FakeRuntimeWorker.completion(worker.requests(sessionId).getLast(), "attempt-r", 2, "stop", "Once.");
        int count = 4;
        CyclicBarrier start = new CyclicBarrier(count);
        ExecutorService threads = Executors.newFixedThreadPool(count);
        List<Boolean> stored;
        try {
            List<CompletableFuture<Boolean>> racers = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                racers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return Fixtures.onVertx(() -> turnService.complete(completion)).isPresent();
                }, threads));
            }
            stored = racers.stream().map(CompletableFuture::join).toList();
        } finally {
            threads.shutdownNow();
        }
        assertEquals(1, stored.stream().filter(b -> b).count(), "exactly one racer stored the reply: " + stored);
        List<Map<String, Object>> tree = given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId + "/tree")
            .then().statusCode(200).extract().jsonPath().getList("$");
        assertEquals(1, tree.stream().filter(m -> turnId.equals(m.get("turnId"))).count());
        assertEquals("Once.", history(sessionId).getLast().get("content"));
    }

    @Test
    void serverSentEventsAreTheHttpAlternative() throws Exception {
        String sessionId = session(FakeRuntimeWorker.Mode.ECHO);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + "/api/sessions/" + sessionId
            + "/events")).header("Authorization", "Bearer " + Fixtures.token("alice")).header("Accept", "text/event-stream").GET().build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertTrue(readUntil(reader, "\"subscribed\"").contains("subscribed"));
            given().auth().oauth2(Fixtures.token("alice")).contentType(ContentType.JSON).body("{\"type\":\"say\",\"text\":\"Over SSE\"}")
                .post("/api/sessions/" + sessionId + "/turns").then().statusCode(202);
            String done = readUntil(reader, "\"done\"");
            assertTrue(done.contains("Echo: Over SSE"), done);
        }
    }

    @Test
    void serverSentEventsOfASessionThatIsNotTheCallersAre404() throws Exception {
        String sessionId = session(FakeRuntimeWorker.Mode.ECHO);
        for (String path : List.of(sessionId, UUID.randomUUID().toString())) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + "/api/sessions/" + path
                + "/events")).header("Authorization", "Bearer " + Fixtures.token("bob")).header("Accept", "text/event-stream").GET()
                .build();
            HttpResponse<java.io.InputStream> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request, HttpResponse.BodyHandlers.ofInputStream());
            // was a 200 with an empty stream that never ended: the session lookup failed after the stream had started
            assertEquals(404, response.statusCode());
            try (java.io.InputStream body = response.body()) {
                String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(text.contains("\"not_found\""), text);
            }
        }
    }

    private static String readUntil(BufferedReader reader, String marker) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                String l;
                while ((l = reader.readLine()) != null) {
                    if (l.contains(marker)) {
                        return l;
                    }
                }
                return "";
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return line.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void theRollingSummaryIsRefreshedThroughTheRuntime() {
        String sessionId = session(FakeRuntimeWorker.Mode.ECHO);
        try (StreamClient client = connect(sessionId)) {
            play(client, "{\"type\":\"say\",\"text\":\"First\"}");
            play(client, "{\"type\":\"say\",\"text\":\"Second\"}");
        }
        // greeting + two replies = 3 replies: a summary turn ran (summary-every=3 in tests)
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String summary = given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId + "/memory")
                .then().statusCode(200).extract().path("summary");
            return summary != null && summary.startsWith("SUMMARY of");
        });
        assertTrue(worker.requests(sessionId).stream().anyMatch(r -> "Summary".equals(r.speakerName())));
    }

    @Test
    void storylineDirectionIsInjectedAndTheBeatAdvancesOnAKeyword() {
        WorldSnapshot world = Fixtures.world(UUID.randomUUID().toString(), null);
        StorylineSnapshot storyline = new StorylineSnapshot(world.storylineIds().getFirst(), world.id(), 1, "The Dark Lamp", "d", "b1",
            Fixtures.storyline(world.id()).chapters());
        Fixtures.givenWorld(readModels, world);
        Fixtures.givenStoryline(readModels, storyline);
        String sessionId = Fixtures.createSession("alice", "{\"characterIds\":[\"" + lin.id() + "\"],\"worldId\":\"" + world.id()
            + "\",\"storylineId\":\"" + storyline.id() + "\",\"openingSceneId\":\"arrival\"}").then().statusCode(201).extract().path("id");
        worker.serve(sessionId, FakeRuntimeWorker.Mode.ECHO);
        given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId + "/storyline").then().statusCode(200)
            .body("beatId", org.hamcrest.Matchers.equalTo("b1"));
        assertEquals("You step off the ferry, alice.", history(sessionId).getFirst().get("content"));
        try (StreamClient client = connect(sessionId)) {
            play(client, "{\"type\":\"say\",\"text\":\"Why is the lamp dark?\"}");
        }
        GenerateTurn request = worker.requests(sessionId).getLast();
        assertTrue(request.segments().stream().anyMatch(s -> "direction".equals(s.kind())
            && s.content().contains("the keeper's brother vanished")));
        given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId + "/storyline").then().statusCode(200)
            .body("beatId", org.hamcrest.Matchers.equalTo("b2")).body("done", org.hamcrest.Matchers.equalTo(true));
    }

    @Test
    void aJudgedConditionAdvancesTheBeatOnTheRuntimesVerdict() {
        WorldSnapshot world = Fixtures.world(UUID.randomUUID().toString(), null);
        StorylineSnapshot.Beat search = new StorylineSnapshot.Beat("s1", "The search", "Find the key", "The key is hidden.",
            List.of(new StorylineSnapshot.Condition("judged", List.of(), null, "the player has found the key", "s2")), List.of("s2"),
            false);
        StorylineSnapshot.Beat door = new StorylineSnapshot.Beat("s2", "The door", "Open the door", "The door creaks.", List.of(),
            List.of(), false);
        StorylineSnapshot storyline = new StorylineSnapshot(world.storylineIds().getFirst(), world.id(), 1, "The key", "d", "s1",
            List.of(new StorylineSnapshot.Chapter("c1", "One", List.of(search, door))));
        Fixtures.givenWorld(readModels, world);
        Fixtures.givenStoryline(readModels, storyline);
        String sessionId = Fixtures.createSession("alice", "{\"characterIds\":[\"" + lin.id() + "\"],\"worldId\":\"" + world.id()
            + "\",\"storylineId\":\"" + storyline.id() + "\"}").then().statusCode(201).extract().path("id");
        worker.serve(sessionId, FakeRuntimeWorker.Mode.ECHO);
        try (StreamClient client = connect(sessionId)) {
            play(client, "{\"type\":\"say\",\"text\":\"Is anything under the mat?\"}");
            // the runtime judged the condition false: the beat stays
            await().atMost(Duration.ofSeconds(30)).until(() -> judgeTurns(sessionId).size() == 1
                && "completed".equals(judgeTurns(sessionId).getFirst().get("status")));
            given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId + "/storyline").then().statusCode(200)
                .body("beatId", org.hamcrest.Matchers.equalTo("s1"));
            GenerateTurn judge = worker.requests(sessionId).stream().filter(r -> "Referee".equals(r.speakerName())).findFirst()
                .orElseThrow();
            assertTrue(judge.segments().getLast().content().contains("Condition: the player has found the key"));

            // a yes moves the session on; the judge turn never blocked the player's next message
            play(client, "{\"type\":\"say\",\"text\":\"I found the key under the mat!\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> "s2".equals(given().auth().oauth2(Fixtures.token("alice"))
                .get("/api/sessions/" + sessionId + "/storyline").then().statusCode(200).extract().path("beatId")));
            assertTrue(client.drain().stream().noneMatch(f -> "Referee".equals(f.path("speaker").asText(null))), "judges are not streamed");
        }
    }

    private static List<Map<String, Object>> judgeTurns(String sessionId) {
        return given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId + "/turns").then().statusCode(200)
            .extract().jsonPath().getList("findAll { it.kind == 'judge' }");
    }

    @Test
    void groupScenesPickTheMentionedSpeakerAndAutoContinueUpToTheCap() {
        CharacterSnapshot mei = Fixtures.givenCharacter(readModels, Fixtures.character("Mei", 1, "public", null));
        String sessionId = Fixtures.createSession("alice", "{\"characterIds\":[\"" + lin.id() + "\",\"" + mei.id()
            + "\"],\"speakerPolicy\":\"mention\",\"autoContinue\":1}").then().statusCode(201).extract().path("id");
        worker.serve(sessionId, FakeRuntimeWorker.Mode.ECHO);
        try (StreamClient client = connect(sessionId)) {
            Turn first = play(client, "{\"type\":\"say\",\"text\":\"Mei, what do you think?\"}");
            List<GenerateTurn> replies = worker.requests(sessionId).stream().filter(r -> !"Summary".equals(r.speakerName())).toList();
            assertEquals("Mei", replies.getFirst().speakerName());
            Turn second = play(client, null);
            assertNotNull(first.messageId());
            assertNotNull(second.messageId());
            assertEquals("Lin", worker.requests(sessionId).stream().filter(r -> !"Summary".equals(r.speakerName())).toList().get(1)
                .speakerName());
            List<Map<String, Object>> history = history(sessionId);
            assertEquals(List.of("Mei", "Lin"), history.subList(history.size() - 2, history.size()).stream()
                .map(m -> m.get("speakerName")).toList());
        }
    }
}
