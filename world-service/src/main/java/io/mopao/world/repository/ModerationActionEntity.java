package io.mopao.world.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** Audit trail: one row per moderator action (never updated or deleted). */
@Entity
@Table(name = "moderation_action")
public class ModerationActionEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "moderator_id")
    public String moderatorId;
    public String action;
    @Column(name = "target_type")
    public String targetType;
    @Column(name = "target_id")
    public UUID targetId;
    public String reason;
    @Column(name = "created_at")
    public Instant createdAt;
}
