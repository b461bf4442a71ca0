package io.mopao.story.repository;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** A play session. */
public record SessionRow(UUID id, String ownerId, String title, String worldId, List<String> characterIds, String playerName,
    String playerPersona, UUID activeLeafId, String speakerPolicy, int autoContinue, String summary, int summaryThrough,
    String storylineId, String beatId, int beatTurns, boolean storylineDone, String forkedFrom, OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

    static SessionRow from(Row row) {
        return new SessionRow(row.getUUID("id"), row.getString("owner_id"), row.getString("title"), row.getString("world_id"),
            Arrays.asList(row.getArrayOfStrings("character_ids")), row.getString("player_name"), row.getString("player_persona"),
            row.getUUID("active_leaf_id"), row.getString("speaker_policy"), row.getInteger("auto_continue"), row.getString("summary"),
            row.getInteger("summary_through"), row.getString("storyline_id"), row.getString("beat_id"), row.getInteger("beat_turns"),
            row.getBoolean("storyline_done"), row.getString("forked_from"), row.getOffsetDateTime("created_at"),
            row.getOffsetDateTime("updated_at"));
    }
}
