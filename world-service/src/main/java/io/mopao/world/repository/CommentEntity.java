package io.mopao.world.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A comment on a post; replies (parentId set) are one level deep. */
@Entity
@Table(name = "post_comment")
public class CommentEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "post_id")
    public UUID postId;
    @Column(name = "parent_id")
    public UUID parentId;
    @Column(name = "author_id")
    public String authorId;
    @Column(name = "author_name")
    public String authorName;
    public String body;
    public boolean hidden;
    @Column(name = "created_at")
    public Instant createdAt;
}
