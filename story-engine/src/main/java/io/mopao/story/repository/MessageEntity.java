package io.mopao.story.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A node of a session's message tree ({@code message}). Parent and session are plain ids, not associations: the
 * database cascades deletes of a subtree and of a session ({@code ON DELETE CASCADE}), and nothing walks the tree
 * through the persistence context.
 */
@Entity
@Table(name = "message")
public class MessageEntity {

    @Id
    public UUID id;

    @Column(name = "session_id", nullable = false)
    public UUID sessionId;

    @Column(name = "parent_id")
    public UUID parentId;

    /** user, assistant or narrator. */
    @Column(nullable = false)
    public String role;

    @Column(name = "character_id")
    public String characterId;

    @Column(name = "speaker_name")
    public String speakerName;

    @Column(nullable = false)
    public String content;

    /** The turn whose reply this is (unique: a reply is stored once). */
    @Column(name = "turn_id")
    public UUID turnId;

    @Column(name = "client_message_id")
    public String clientMessageId;

    /**
     * Set by the database ({@code clock_timestamp()}), so siblings inserted in one transaction and replies stored by
     * different replicas are ordered by one clock; it orders swipes and branches.
     */
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "edited_at")
    public OffsetDateTime editedAt;
}
