package io.mopao.world.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A user's report of a post, comment or world. */
@Entity
@Table(name = "report")
public class ReportEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "target_type")
    public String targetType;
    @Column(name = "target_id")
    public UUID targetId;
    @Column(name = "reporter_id")
    public String reporterId;
    public String reason;
    public String status;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "resolved_at")
    public Instant resolvedAt;
}
