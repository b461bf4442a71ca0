package io.mopao.story.repository;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A node of a session's message tree. */
public record MessageRow(UUID id, UUID sessionId, UUID parentId, String role, String characterId, String speakerName, String content,
    UUID turnId, String clientMessageId, OffsetDateTime createdAt, OffsetDateTime editedAt) {

    static MessageRow from(Row row) {
        return new MessageRow(row.getUUID("id"), row.getUUID("session_id"), row.getUUID("parent_id"), row.getString("role"),
            row.getString("character_id"), row.getString("speaker_name"), row.getString("content"), row.getUUID("turn_id"),
            row.getString("client_message_id"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("edited_at"));
    }
}
