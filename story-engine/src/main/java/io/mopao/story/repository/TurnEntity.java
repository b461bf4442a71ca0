package io.mopao.story.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One generation request and its outcome ({@code turn}). */
@Entity
@Table(name = "turn")
public class TurnEntity {

    @Id
    public UUID id;

    @Column(name = "session_id", nullable = false)
    public UUID sessionId;

    @Column(name = "user_id", nullable = false)
    public String userId;

    /** reply, regenerate, continue, impersonate, summary or judge. */
    @Column(nullable = false)
    public String kind;

    /** running, completed, cancelled, failed or timeout. */
    @Column(nullable = false)
    public String status;

    @Column(name = "parent_message_id")
    public UUID parentMessageId;

    /** The reply a regenerate or continue replaces as the active leaf. */
    @Column(name = "base_message_id")
    public UUID baseMessageId;

    /** Pre-allocated id of the reply message. */
    @Column(name = "reply_message_id", nullable = false)
    public UUID replyMessageId;

    @Column(name = "character_id")
    public String characterId;

    @Column(name = "speaker_name")
    public String speakerName;

    /** The exact prompt (AssembledPrompt JSON). */
    @Column(nullable = false)
    public String prompt;

    /** The text a continue appends to. */
    public String continuation;

    @Column(nullable = false)
    public OffsetDateTime deadline;

    /** The current attempt (the runtime restarts a turn on another worker with a new attempt id). */
    @Column(name = "attempt_id")
    public String attemptId;

    /** Attempts replaced by a later one; their chunks and completions are ignored. */
    @Column(nullable = false, columnDefinition = "text[]")
    public String[] superseded;

    @Column(name = "finish_reason")
    public String finishReason;

    @Column(name = "reply_text")
    public String replyText;

    public String error;

    @Column(name = "auto_remaining", nullable = false)
    public int autoRemaining;

    /** Set by the database ({@code clock_timestamp()}); orders the turn list. */
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "completed_at")
    public OffsetDateTime completedAt;

    @Column(name = "prompt_tokens")
    public Integer promptTokens;

    @Column(name = "completion_tokens")
    public Integer completionTokens;

    /** Judge turns: {@code <beat id>#<condition index>}. */
    public String judged;
}
