package io.mopao.events.dialogue;

import io.mopao.events.MopaoEvent;
import java.time.Instant;
import java.util.List;

/**
 * A request to generate one reply, published by story-engine to the dialogue-requests topic keyed by session id.
 *
 * @param turnId id of the turn; the reply is persisted once per turn id
 * @param sessionId play session; the record key
 * @param userId Keycloak subject of the player
 * @param model model name the pool must serve
 * @param segments prompt segments in order
 * @param continuation when continuing a reply: the text already generated (rendered as an open assistant message)
 * @param speakerName the character who speaks (stop strings for other speakers are added by the runtime)
 * @param sampling sampler settings
 * @param priority higher is scheduled first
 * @param deadline the turn is completed as {@code timeout} without running after this instant
 * @param requestedAt when story-engine published it
 */
public record GenerateTurn(
    String turnId,
    String sessionId,
    String userId,
    String model,
    List<PromptSegment> segments,
    String continuation,
    String speakerName,
    SamplingSettings sampling,
    int priority,
    Instant deadline,
    Instant requestedAt) implements MopaoEvent {

    public GenerateTurn {
        segments = segments == null ? List.of() : List.copyOf(segments);
    }

    @Override
    public String key() {
        return sessionId;
    }
}
