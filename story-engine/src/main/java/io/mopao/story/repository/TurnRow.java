package io.mopao.story.repository;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A generation request and its outcome. */
public record TurnRow(UUID id, UUID sessionId, String userId, String kind, String status, UUID parentMessageId, UUID baseMessageId,
    UUID replyMessageId, String characterId, String speakerName, String prompt, String continuation, OffsetDateTime deadline,
    String attemptId, String finishReason, String replyText, String error, int autoRemaining, OffsetDateTime createdAt,
    OffsetDateTime completedAt, Integer promptTokens, Integer completionTokens, String judged) {

    static TurnRow from(TurnEntity e) {
        return new TurnRow(e.id, e.sessionId, e.userId, e.kind, e.status, e.parentMessageId, e.baseMessageId, e.replyMessageId,
            e.characterId, e.speakerName, e.prompt, e.continuation, e.deadline, e.attemptId, e.finishReason, e.replyText, e.error,
            e.autoRemaining, e.createdAt, e.completedAt, e.promptTokens, e.completionTokens, e.judged);
    }

    /** A new running turn with this row's request ({@code created_at} is left to the database). */
    TurnEntity toRunningEntity() {
        TurnEntity e = new TurnEntity();
        e.id = id;
        e.sessionId = sessionId;
        e.userId = userId;
        e.kind = kind;
        e.status = "running";
        e.parentMessageId = parentMessageId;
        e.baseMessageId = baseMessageId;
        e.replyMessageId = replyMessageId;
        e.characterId = characterId;
        e.speakerName = speakerName;
        e.prompt = prompt;
        e.continuation = continuation;
        e.deadline = deadline;
        e.superseded = new String[0];
        e.autoRemaining = autoRemaining;
        e.judged = judged;
        return e;
    }

    /** Whether the turn's reply becomes a message of the tree. */
    public boolean producesMessage() {
        return "reply".equals(kind) || "regenerate".equals(kind) || "continue".equals(kind);
    }
}
