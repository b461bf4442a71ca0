package io.mopao.story.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A play session as stored ({@code play_session}); the schema comes from the Flyway migrations. */
@Entity
@Table(name = "play_session")
public class SessionEntity {

    @Id
    public UUID id;

    @Column(name = "owner_id", nullable = false)
    public String ownerId;

    @Column(nullable = false)
    public String title;

    @Column(name = "world_id")
    public String worldId;

    /** The cast, in order. */
    @Column(name = "character_ids", nullable = false, columnDefinition = "text[]")
    public String[] characterIds;

    @Column(name = "player_name", nullable = false)
    public String playerName;

    @Column(name = "player_persona")
    public String playerPersona;

    /** The leaf of the active branch of the message tree (null before the first message). */
    @Column(name = "active_leaf_id")
    public UUID activeLeafId;

    @Column(name = "speaker_policy", nullable = false)
    public String speakerPolicy;

    @Column(name = "auto_continue", nullable = false)
    public int autoContinue;

    public String summary;

    /** Replies on the branch the summary covers (a summary turn is scheduled past it). */
    @Column(name = "summary_through", nullable = false)
    public int summaryThrough;

    @Column(name = "storyline_id")
    public String storylineId;

    @Column(name = "beat_id")
    public String beatId;

    @Column(name = "beat_turns", nullable = false)
    public int beatTurns;

    @Column(name = "storyline_done", nullable = false)
    public boolean storylineDone;

    /** {@code share:<id>} for a session forked from a shared transcript. */
    @Column(name = "forked_from")
    public String forkedFrom;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;
}
