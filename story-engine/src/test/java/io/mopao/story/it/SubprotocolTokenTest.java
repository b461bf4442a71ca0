package io.mopao.story.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.mopao.events.character.CharacterSnapshot;
import io.mopao.story.repository.ReadModelRepository;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bearer token in the {@code Sec-WebSocket-Protocol} carrier ({@code bearer-token-carrier,
 * quarkus-http-upgrade#Authorization#Bearer%20<token>}), with no Authorization header and no query parameter: Quarkus
 * moves it into the Authorization header before authentication ({@code propagate-subprotocol-headers}) and answers with
 * the one real subprotocol, {@code bearer-token-carrier} (browsers close a socket whose server picked none of theirs).
 */
@QuarkusTest
@QuarkusTestResource(PrivateKafka.class)
class SubprotocolTokenTest {

    private static final String CARRIER = "bearer-token-carrier";

    @Inject
    ReadModelRepository readModels;

    private FakeRuntimeWorker worker;
    private CharacterSnapshot lin;

    @BeforeEach
    void setUp() {
        worker = Fixtures.worker();
        lin = Fixtures.givenCharacter(readModels, Fixtures.character("Lin", 1, "public", null));
    }

    private static String tokenProtocol(String token) {
        return URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + token, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Opens the stream with only these subprotocols; returns the HTTP status of the refused upgrade. */
    private static int refusedUpgrade(String sessionId, String first, String... more) {
        URI uri = URI.create("ws://127.0.0.1:" + RestAssured.port + "/api/sessions/" + sessionId + "/stream");
        CompletionException refused = assertThrows(CompletionException.class, () -> {
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .subprotocols(first, more).buildAsync(uri, new WebSocket.Listener() { }).join();
            socket.abort();
        }, "the upgrade was accepted");
        return assertInstanceOf(WebSocketHandshakeException.class, refused.getCause()).getResponse().statusCode();
    }

    @Test
    void aTokenOnlyInTheSubprotocolHeaderOpensTheStreamAndItStreams() {
        String sessionId = Fixtures.newSession("alice", lin.id());
        worker.serve(sessionId, FakeRuntimeWorker.Mode.ECHO);
        try (StreamClient client = StreamClient.subprotocolToken(RestAssured.port, sessionId, Fixtures.token("alice"))) {
            assertEquals(CARRIER, client.subprotocol(), "the server echoes the carrier, never the token");
            // subscribed only comes for the session's owner: the socket runs as alice
            assertEquals(sessionId, client.await("subscribed").path("sessionId").asText());

            client.send("{\"type\":\"say\",\"text\":\"Who keeps the lamp?\"}");
            String turnId = client.await("turn_started").path("turnId").asText();
            StringBuilder streamed = new StringBuilder();
            while (true) {
                JsonNode frame = client.await(f -> turnId.equals(f.path("turnId").asText())
                    && List.of("chunk", "done").contains(f.path("type").asText()), Duration.ofSeconds(30));
                if (frame.path("type").asText().equals("done")) {
                    assertEquals("stop", frame.path("finishReason").asText());
                    break;
                }
                streamed.append(frame.path("text").asText());
            }
            assertEquals("Echo: Who keeps the lamp?", streamed.toString());
        }
    }

    @Test
    void aForgedTokenInTheSubprotocolHeaderIsRefusedWith401() {
        String sessionId = Fixtures.newSession("alice", lin.id());
        String token = Fixtures.token("alice");
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
        assertEquals(401, refusedUpgrade(sessionId, CARRIER, tokenProtocol(forged)));
        assertEquals(401, refusedUpgrade(sessionId, CARRIER, tokenProtocol("not-a-token")));
    }

    @Test
    void aTokenProtocolWithoutTheCarrierIsTheCallersMistakeAnswered400() {
        String sessionId = Fixtures.newSession("alice", lin.id());
        assertEquals(400, refusedUpgrade(sessionId, tokenProtocol(Fixtures.token("alice"))));
        assertEquals(400, refusedUpgrade(sessionId, "chat", tokenProtocol(Fixtures.token("alice"))));
    }

    @Test
    void theCarrierWithoutATokenIsRefusedWith401() {
        String sessionId = Fixtures.newSession("alice", lin.id());
        assertEquals(401, refusedUpgrade(sessionId, CARRIER));
    }
}
