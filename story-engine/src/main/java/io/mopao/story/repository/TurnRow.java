package io.mopao.story.repository;

import io.vertx.mutiny.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A generation request and its outcome. */
public record TurnRow(UUID id, UUID sessionId, String userId, String kind, String status, UUID parentMessageId, UUID baseMessageId,
    UUID replyMessageId, String characterId, String speakerName, String prompt, String continuation, OffsetDateTime deadline,
    String attemptId, String finishReason, String replyText, String error, int autoRemaining, OffsetDateTime createdAt,
    OffsetDateTime completedAt, Integer promptTokens, Integer completionTokens, String judged) {

    static TurnRow from(Row row) {
        return new TurnRow(row.getUUID("id"), row.getUUID("session_id"), row.getString("user_id"), row.getString("kind"),
            row.getString("status"), row.getUUID("parent_message_id"), row.getUUID("base_message_id"), row.getUUID("reply_message_id"),
            row.getString("character_id"), row.getString("speaker_name"), row.getString("prompt"), row.getString("continuation"),
            row.getOffsetDateTime("deadline"), row.getString("attempt_id"), row.getString("finish_reason"), row.getString("reply_text"),
            row.getString("error"), row.getInteger("auto_remaining"), row.getOffsetDateTime("created_at"),
            row.getOffsetDateTime("completed_at"), row.getInteger("prompt_tokens"), row.getInteger("completion_tokens"),
            row.getString("judged"));
    }

    /** Whether the turn's reply becomes a message of the tree. */
    public boolean producesMessage() {
        return "reply".equals(kind) || "regenerate".equals(kind) || "continue".equals(kind);
    }
}
