package io.mopao.story.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.story.repository.ReadModelRepository;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(PrivateKafka.class)
class HostileInputTest {

    @Inject
    ReadModelRepository readModels;

    private CharacterSnapshot lin;

    @BeforeEach
    void setUp() {
        lin = Fixtures.givenCharacter(readModels, Fixtures.character("Lin", 1, "public", null));
    }

    private static Response say(String user, String sessionId, String text) {
        return given().auth().oauth2(Fixtures.token(user)).contentType(ContentType.JSON)
            .body(java.util.Map.of("type", "say", "text", text)).post("/api/sessions/" + sessionId + "/turns");
    }

    @Test
    void anOversizedMessageIsRefusedOverHttpAndWebSocket() {
        String sessionId = Fixtures.newSession("alice", lin.id());
        String huge = "x".repeat(2001);
        say("alice", sessionId, huge).then().statusCode(413).body("code", equalTo("message_too_large"));
        try (StreamClient client = StreamClient.header(RestAssured.port, sessionId, Fixtures.token("alice"))) {
            client.await("subscribed");
            client.send("{\"type\":\"say\",\"text\":\"" + huge + "\"}");
            JsonNode error = client.await("error");
            assertEquals("message_too_large", error.path("code").asText());
            assertEquals(413, error.path("status").asInt());
        }
        assertEquals(1, given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId + "/messages")
            .then().extract().jsonPath().getList("$").size(), "only the greeting");
    }

    @Test
    void aFloodBeyondTheRateLimitGets429WithRetryAfter() {
        // carol is used by no other test; the limit is 40 turns a minute in tests (85 tries exceed it within two
        // windows) and it counts before the session lookup
        List<Integer> statuses = new ArrayList<>();
        Response limited = null;
        for (int i = 0; i < 85 && limited == null; i++) {
            Response response = say("carol", UUID.randomUUID().toString(), "hello");
            statuses.add(response.statusCode());
            if (response.statusCode() == 429) {
                limited = response;
            }
        }
        assertTrue(limited != null, "rate limited after the window's allowance: " + statuses);
        assertTrue(Integer.parseInt(limited.header("Retry-After")) >= 1);
        limited.then().body("code", equalTo("rate_limited")).body("status", equalTo(429));
        assertTrue(statuses.subList(0, statuses.size() - 1).stream().allMatch(s -> s == 404));
    }

    @Test
    void anotherPlayersSessionIsNotFound() {
        String sessionId = Fixtures.newSession("alice", lin.id());
        given().auth().oauth2(Fixtures.token("bob")).get("/api/sessions/" + sessionId).then().statusCode(404)
            .body("code", equalTo("not_found"));
        given().auth().oauth2(Fixtures.token("bob")).get("/api/sessions/" + sessionId + "/messages").then().statusCode(404);
        say("bob", sessionId, "let me in").then().statusCode(404);
        given().auth().oauth2(Fixtures.token("bob")).contentType(ContentType.JSON).body("{}")
            .post("/api/sessions/" + sessionId + "/turns/stop").then().statusCode(404);
        given().auth().oauth2(Fixtures.token("bob")).delete("/api/sessions/" + sessionId).then().statusCode(404);
        try (StreamClient client = StreamClient.queryToken(RestAssured.port, sessionId, Fixtures.token("bob"))) {
            assertEquals("not_found", client.await("error").path("code").asText());
            await().atMost(Duration.ofSeconds(10)).until(client::closed);
        }
        given().auth().oauth2(Fixtures.token("alice")).get("/api/sessions/" + sessionId).then().statusCode(200);
    }

    @Test
    void requestsWithoutATokenAreRefused() {
        given().get("/api/sessions").then().statusCode(401).body("status", equalTo(401)).body("code", equalTo("unauthorized"))
            .body("message", equalTo("sign in first (a bearer token is required)"));
        given().contentType(ContentType.JSON).body("{\"type\":\"say\",\"text\":\"hi\"}")
            .post("/api/sessions/" + UUID.randomUUID() + "/turns").then().statusCode(401).body("code", equalTo("unauthorized"));
    }

    @Test
    void aMessageWhileATurnRunsGetsAClearConflict() {
        String sessionId = Fixtures.newSession("alice", lin.id());
        FakeRuntimeWorker worker = Fixtures.worker();
        worker.serve(sessionId, FakeRuntimeWorker.Mode.HOLD);
        String turnId = say("alice", sessionId, "first").then().statusCode(202).extract().path("turnId");
        say("alice", sessionId, "second").then().statusCode(409).body("code", equalTo("turn_in_progress"))
            .body("message", notNullValue());
        try (StreamClient client = StreamClient.queryToken(RestAssured.port, sessionId, Fixtures.token("alice"))) {
            client.await("subscribed");
            client.send("{\"type\":\"say\",\"text\":\"third\"}");
            assertEquals("turn_in_progress", client.await("error").path("code").asText());
            client.send("{\"type\":\"regenerate\"}");
            assertEquals("turn_in_progress", client.await("error").path("code").asText());
            client.send("not json");
            assertEquals("malformed_json", client.await("error").path("code").asText());
        }
        given().auth().oauth2(Fixtures.token("alice")).contentType(ContentType.JSON).body("{}")
            .post("/api/sessions/" + sessionId + "/turns/stop").then().statusCode(202).body("turnId", equalTo(turnId));
        await().atMost(Duration.ofSeconds(30)).until(() -> !worker.cancellations(sessionId).isEmpty());
        assertEquals(turnId, worker.cancellations(sessionId).getFirst().turnId());
    }

    @Test
    void concurrentSaysStartOneTurnAndStoreOnlyItsMessage() throws Exception {
        String sessionId = Fixtures.newSession("bob", lin.id());
        Fixtures.worker().serve(sessionId, FakeRuntimeWorker.Mode.HOLD);
        String token = Fixtures.token("bob");
        HttpClient http = HttpClient.newHttpClient();
        int count = 4;
        CyclicBarrier start = new CyclicBarrier(count);
        ExecutorService threads = Executors.newFixedThreadPool(count);
        List<Integer> statuses = new ArrayList<>();
        try {
            List<Future<Integer>> requests = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + "/api/sessions/"
                    + sessionId + "/turns")).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"say\",\"text\":\"all at once " + i + "\"}")).build();
                requests.add(threads.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
                }));
            }
            for (Future<Integer> request : requests) {
                statuses.add(request.get(60, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }
        // one turn runs; the others are refused as turn_in_progress (never a 500), and their messages were not stored
        assertEquals(1, statuses.stream().filter(s -> s == 202).count(), statuses.toString());
        assertEquals(count - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        List<String> roles = given().auth().oauth2(token).get("/api/sessions/" + sessionId + "/tree").then().statusCode(200)
            .extract().jsonPath().getList("role");
        assertEquals(1, roles.stream().filter("user"::equals).count(), roles.toString());
    }

    @Test
    void theNulCharacterIsRefusedInBodiesQueriesAndFramesAndNothingIsStored() {
        String sessionId = Fixtures.newSession("alice", lin.id());
        Fixtures.worker().serve(sessionId, FakeRuntimeWorker.Mode.HOLD);
        String token = Fixtures.token("alice");
        int before = given().auth().oauth2(token).get("/api/sessions/" + sessionId + "/tree").then().statusCode(200)
            .extract().jsonPath().getList("id").size();
        // PostgreSQL stores NUL in no text column: this was a 500 (and a share holding it was lost after a 201)
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"type\":\"say\",\"text\":\"hi\\u0000there\"}")
            .post("/api/sessions/" + sessionId + "/turns").then().statusCode(400).body("code", equalTo("nul_character"));
        Fixtures.createSession("alice", "{\"characterIds\":[\"" + lin.id() + "\"],\"title\":\"t\\u0000\"}").then().statusCode(400)
            .body("code", equalTo("nul_character"));
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"title\":\"t\\u0000\"}")
            .post("/api/sessions/" + sessionId + "/share").then().statusCode(400).body("code", equalTo("nul_character"));
        try (StreamClient client = StreamClient.queryToken(RestAssured.port, sessionId, token)) {
            client.await("subscribed");
            client.send("{\"type\":\"say\",\"text\":\"hi\\u0000there\"}");
            assertEquals("nul_character", client.await("error").path("code").asText());
        }
        assertEquals(before, given().auth().oauth2(token).get("/api/sessions/" + sessionId + "/tree").then().statusCode(200)
            .extract().jsonPath().getList("id").size(), "no message was stored");
    }

    @Test
    void malformedBodiesAre400NotServerErrors() {
        String sessionId = Fixtures.newSession("alice", lin.id());
        given().auth().oauth2(Fixtures.token("alice")).contentType(ContentType.JSON).body("{\"type\":")
            .post("/api/sessions/" + sessionId + "/turns").then().statusCode(400).body("code", equalTo("malformed_json"));
        given().auth().oauth2(Fixtures.token("alice")).contentType(ContentType.JSON).body("{\"type\":\"dance\"}")
            .post("/api/sessions/" + sessionId + "/turns").then().statusCode(400).body("code", equalTo("validation_failed"));
        Fixtures.createSession("alice", "{\"characterIds\":[]}").then().statusCode(400);
        given().auth().oauth2(Fixtures.token("alice")).get("/api/no-such-thing").then().statusCode(404)
            .body("code", equalTo("not_found")).body("message", equalTo("no such resource"));
    }
}
