package io.mopao.story.repository;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** A play session. */
public record SessionRow(UUID id, String ownerId, String title, String worldId, List<String> characterIds, String playerName,
    String playerPersona, UUID activeLeafId, String speakerPolicy, int autoContinue, String summary, int summaryThrough,
    String storylineId, String beatId, int beatTurns, boolean storylineDone, String forkedFrom, OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

    static SessionRow from(SessionEntity e) {
        return new SessionRow(e.id, e.ownerId, e.title, e.worldId, List.copyOf(Arrays.asList(e.characterIds)), e.playerName,
            e.playerPersona, e.activeLeafId, e.speakerPolicy, e.autoContinue, e.summary, e.summaryThrough, e.storylineId, e.beatId,
            e.beatTurns, e.storylineDone, e.forkedFrom, e.createdAt, e.updatedAt);
    }

    /** A new entity with this row's settings; a new session has no active leaf, summary or progress yet. */
    SessionEntity toEntity(OffsetDateTime now) {
        SessionEntity e = new SessionEntity();
        e.id = id;
        e.ownerId = ownerId;
        e.title = title;
        e.worldId = worldId;
        e.characterIds = characterIds.toArray(new String[0]);
        e.playerName = playerName;
        e.playerPersona = playerPersona;
        e.speakerPolicy = speakerPolicy;
        e.autoContinue = autoContinue;
        e.storylineId = storylineId;
        e.beatId = beatId;
        e.forkedFrom = forkedFrom;
        e.createdAt = now;
        e.updatedAt = now;
        return e;
    }
}
