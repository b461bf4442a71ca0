package io.mopao.story.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mopao.service.error.ApiException;
import io.mopao.service.input.NulCharacters;
import io.mopao.story.config.StoryConfig;
import io.mopao.story.rest.Players;
import io.mopao.story.service.Frames;
import io.mopao.story.service.SessionService;
import io.mopao.story.service.StreamRegistry;
import io.mopao.story.service.TurnService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * One player's live stream of one session: {@code /api/sessions/{sessionId}/stream}. Authentication happens on the
 * HTTP upgrade with the bearer token (Authorization header, the {@code access_token} query parameter, or the
 * {@code Sec-WebSocket-Protocol} carrier); see README "WebSocket protocol" for the frames.
 */
@WebSocket(path = "/api/sessions/{sessionId}/stream")
@Authenticated
public class StoryStreamEndpoint {

    private static final Logger LOG = Logger.getLogger(StoryStreamEndpoint.class);

    private final SessionService sessions;
    private final TurnService turns;
    private final StreamRegistry streams;
    private final SecurityIdentity identity;
    private final ObjectMapper mapper;
    private final StoryConfig config;
    private final Map<String, StreamRegistry.Sink> sinks = new ConcurrentHashMap<>();

    public StoryStreamEndpoint(SessionService sessions, TurnService turns, StreamRegistry streams, SecurityIdentity identity,
        ObjectMapper mapper, StoryConfig config) {
        this.sessions = sessions;
        this.turns = turns;
        this.streams = streams;
        this.identity = identity;
        this.mapper = mapper;
        this.config = config;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        UUID sessionId = sessionId(connection);
        if (sessionId == null) {
            return refuse(connection, ApiException.notFound("session"));
        }
        return sessions.get(Players.of(identity), sessionId)
            .flatMap(session -> {
                StreamRegistry.Sink sink = connection::sendText;
                sinks.put(connection.id(), sink);
                streams.add(sessionId, sink);
                return connection.sendText(streams.json(new Frames.Subscribed(sessionId)));
            })
            .onFailure(ApiException.class).recoverWithUni(e -> refuse(connection, (ApiException) e));
    }

    @OnTextMessage
    public Uni<Void> onMessage(String text, WebSocketConnection connection) {
        UUID sessionId = sessionId(connection);
        String userId = Players.of(identity).userId();
        Uni<Void> work;
        try {
            if (text.length() > config.maxMessageChars() * 4 + 1024) {
                throw new ApiException(413, "message_too_large", "the frame is too large");
            }
            JsonNode frame = mapper.readTree(text);
            if (NulCharacters.in(frame)) {
                throw NulCharacters.refused("the frame");
            }
            String type = frame.path("type").asText("");
            work = switch (type) {
                case "stop" -> turns.stop(userId, sessionId, uuid(frame.path("turnId").asText(null))).replaceWithVoid();
                case "say", "regenerate", "continue", "impersonate" -> turns.start(userId, sessionId, new TurnService.Command(type,
                        frame.path("text").asText(null), frame.path("clientMessageId").asText(null),
                        uuid(frame.path("messageId").asText(null)), frame.path("speaker").asText(null)))
                    .flatMap(started -> started.duplicate()
                        ? connection.sendText(streams.json(new Frames.MessageSaved(started.turnId(), started.message())))
                        : Uni.createFrom().voidItem());
                default -> throw ApiException.invalid("unknown frame type '" + type + "' (say, regenerate, continue, impersonate, stop)");
            };
        } catch (ApiException e) {
            work = Uni.createFrom().failure(e);
        } catch (java.io.IOException e) {
            work = Uni.createFrom().failure(new ApiException(400, "malformed_json", "frames are JSON objects with a type"));
        }
        return work.onFailure().recoverWithUni(e -> {
            ApiException api = e instanceof ApiException a ? a : new ApiException(500, "internal_error",
                "something went wrong on our side");
            if (!(e instanceof ApiException)) {
                LOG.error("stream frame failed", e);
            }
            return connection.sendText(streams.json(Frames.Error.of(api)));
        });
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        StreamRegistry.Sink sink = sinks.remove(connection.id());
        UUID sessionId = sessionId(connection);
        if (sink != null && sessionId != null) {
            streams.remove(sessionId, sink);
        }
    }

    private Uni<Void> refuse(WebSocketConnection connection, ApiException e) {
        return connection.sendText(streams.json(Frames.Error.of(e))).flatMap(v -> connection.close());
    }

    private static UUID sessionId(WebSocketConnection connection) {
        try {
            return uuid(connection.pathParam("sessionId"));
        } catch (ApiException e) {
            return null;
        }
    }

    private static UUID uuid(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("'" + value + "' is not an id");
        }
    }
}
