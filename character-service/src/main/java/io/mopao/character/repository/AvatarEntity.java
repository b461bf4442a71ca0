package io.mopao.character.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A character's avatar image (PNG, JPEG, WebP or GIF; type checked by magic bytes). */
@Entity
@Table(name = "character_avatars")
public class AvatarEntity extends PanacheEntityBase {

    @Id
    @Column(name = "character_id")
    public UUID characterId;

    @Column(name = "media_type", nullable = false)
    public String mediaType;

    @Column(nullable = false)
    public byte[] data;

    @Column(nullable = false)
    public String sha256;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
