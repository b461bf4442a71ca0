package io.mopao.events.story;

import io.mopao.events.MopaoEvent;
import java.time.Instant;
import java.util.List;

/**
 * A player shared a transcript (or one branch of it) to the feed. world-service turns it into a post, once per
 * shareId.
 *
 * @param shareId id of the share (idempotency key for the post)
 * @param sessionId session it came from; the record key
 * @param ownerId Keycloak subject of the player who shared it
 * @param ownerName display name
 * @param title title given by the player
 * @param caption optional caption
 * @param worldId world of the session, if any
 * @param characterIds characters in the session
 * @param leafMessageId last message of the shared branch ("play from here" forks at any message of it)
 * @param contentRating rating of the world/characters involved
 * @param messages the shared messages, oldest first
 * @param sharedAt when it was shared
 */
public record TranscriptShared(
    String shareId,
    String sessionId,
    String ownerId,
    String ownerName,
    String title,
    String caption,
    String worldId,
    List<String> characterIds,
    String leafMessageId,
    String contentRating,
    List<SharedMessage> messages,
    Instant sharedAt) implements MopaoEvent {

    public TranscriptShared {
        characterIds = characterIds == null ? List.of() : List.copyOf(characterIds);
        messages = messages == null ? List.of() : List.copyOf(messages);
    }

    @Override
    public String key() {
        return sessionId;
    }

    /** One message of a shared transcript. */
    public record SharedMessage(String id, String role, String speakerName, String characterId, String content, Instant createdAt) {
    }
}
