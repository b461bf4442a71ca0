package io.mopao.story.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.OffsetDateTime;

/** The latest snapshot of another service's entity ({@code read_model}); written only by {@link ReadModelRepository}'s upserts. */
@Entity
@Table(name = "read_model")
public class ReadModelEntity {

    /** Primary key: kind (character, world, lorebook, storyline) and the entity's id. */
    @Embeddable
    public record Key(@Column(name = "kind") String kind, @Column(name = "id") String id) implements Serializable {
    }

    @EmbeddedId
    public Key key;

    @Column(nullable = false)
    public long version;

    /** A tombstone: deleted as of {@link #version}. */
    @Column(nullable = false)
    public boolean deleted;

    @Column(name = "owner_id")
    public String ownerId;

    public String visibility;

    /** The snapshot JSON (null for a tombstone). */
    public String payload;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;
}
