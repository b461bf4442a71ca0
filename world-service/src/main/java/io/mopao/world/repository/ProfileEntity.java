package io.mopao.world.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A creator's public profile (display name refreshed from the token when the user acts). */
@Entity
@Table(name = "creator_profile")
public class ProfileEntity extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public String userId;
    @Column(name = "display_name")
    public String displayName;
    public String bio;
    @Column(name = "avatar_url")
    public String avatarUrl;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
