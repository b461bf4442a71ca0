package io.mopao.character.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

/** One entry of a character's version history: the editable content as it was after that version's change. */
@Entity
@Table(name = "character_versions")
public class CharacterVersionEntity extends PanacheEntityBase {

    /** Primary key: character id and version. */
    @Embeddable
    public record Key(@Column(name = "character_id") UUID characterId, @Column(name = "version") long version) implements Serializable {
    }

    @EmbeddedId
    public Key key;

    @Column(name = "author_id", nullable = false)
    public String authorId;

    @Column(name = "author_name", nullable = false)
    public String authorName;

    /** What kind of change made this version (created, updated, imported, restored, avatar, hidden, shown). */
    @Column(nullable = false)
    public String change;

    /** The content as JSON ({@code CharacterContent}). */
    @Column(nullable = false)
    public String content;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
