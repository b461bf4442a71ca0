package io.mopao.story.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** The local copy of a shared branch ({@code shared_transcript}), for "play from here". */
@Entity
@Table(name = "shared_transcript")
public class SharedTranscriptEntity {

    /** The share id (TranscriptShared.shareId). */
    @Id
    public UUID id;

    @Column(name = "session_id", nullable = false)
    public UUID sessionId;

    @Column(name = "owner_id", nullable = false)
    public String ownerId;

    /** The TranscriptShared event as JSON. */
    @Column(nullable = false)
    public String payload;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
}
