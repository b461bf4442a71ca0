package io.mopao.story.repository;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A node of a session's message tree. */
public record MessageRow(UUID id, UUID sessionId, UUID parentId, String role, String characterId, String speakerName, String content,
    UUID turnId, String clientMessageId, OffsetDateTime createdAt, OffsetDateTime editedAt) {

    static MessageRow from(MessageEntity e) {
        return new MessageRow(e.id, e.sessionId, e.parentId, e.role, e.characterId, e.speakerName, e.content, e.turnId, e.clientMessageId,
            e.createdAt, e.editedAt);
    }

    /** A new entity with this row's values ({@code created_at} is left to the database). */
    MessageEntity toEntity() {
        MessageEntity e = new MessageEntity();
        e.id = id;
        e.sessionId = sessionId;
        e.parentId = parentId;
        e.role = role;
        e.characterId = characterId;
        e.speakerName = speakerName;
        e.content = content;
        e.turnId = turnId;
        e.clientMessageId = clientMessageId;
        e.editedAt = editedAt;
        return e;
    }
}
