package io.mopao.story.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mopao.service.error.ApiException;
import java.util.UUID;

/** Server frames of the streaming protocol (WebSocket text frames and SSE events; see README "WebSocket protocol"). */
public final class Frames {

    private Frames() {
    }

    /** Every frame has a {@code type}. */
    public sealed interface Frame permits Subscribed, MessageSaved, TurnStarted, Chunk, Restart, Done, Error {
        String type();
    }

    /** The stream is registered: every later event of the session reaches it. */
    public record Subscribed(String type, UUID sessionId) implements Frame {
        public Subscribed(UUID sessionId) {
            this("subscribed", sessionId);
        }
    }

    /** The player's message was stored (before any generation starts). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MessageSaved(String type, UUID turnId, MessageView message) implements Frame {
        public MessageSaved(UUID turnId, MessageView message) {
            this("message_saved", turnId, message);
        }
    }

    /** A generation was requested (say, regenerate, continue, impersonate, or an auto-continued group reply). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TurnStarted(String type, UUID turnId, String kind, String speaker, String characterId) implements Frame {
        public TurnStarted(UUID turnId, String kind, String speaker, String characterId) {
            this("turn_started", turnId, kind, speaker, characterId);
        }
    }

    /** A piece of the reply, in order ({@code seq} restarts at 0 with each attempt). */
    public record Chunk(String type, UUID turnId, String attemptId, int seq, String text) implements Frame {
        public Chunk(UUID turnId, String attemptId, int seq, String text) {
            this("chunk", turnId, attemptId, seq, text);
        }
    }

    /** The runtime restarted the reply on another worker: drop the partial text of this turn and start over. */
    public record Restart(String type, UUID turnId, String attemptId) implements Frame {
        public Restart(UUID turnId, String attemptId) {
            this("restart", turnId, attemptId);
        }
    }

    /**
     * The turn finished. {@code messageId} is the stored reply (null when nothing was stored: impersonation, an error, a
     * stop before any text); {@code text} is the whole generated text.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Done(String type, UUID turnId, String kind, String finishReason, UUID messageId, String text, String error)
        implements Frame {
        public Done(UUID turnId, String kind, String finishReason, UUID messageId, String text, String error) {
            this("done", turnId, kind, finishReason, messageId, text, error);
        }
    }

    /** A refused client frame or a failed turn; {@code retryAfterSeconds} for rate limits. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String type, String code, String message, Integer status, Long retryAfterSeconds) implements Frame {
        public Error(String code, String message, Integer status, Long retryAfterSeconds) {
            this("error", code, message, status, retryAfterSeconds);
        }

        public static Error of(ApiException e) {
            return new Error(e.code(), e.getMessage(), e.status(),
                e.retryAfter().map(d -> Math.max(1, (d.toMillis() + 999) / 1000)).orElse(null));
        }
    }
}
