package io.mopao.world.repository;

import io.mopao.events.story.TranscriptShared;
import io.mopao.world.mapping.JsonConverters;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A feed post: a shared transcript (or branch). Counters are changed only by single UPDATE statements. */
@Entity
@Table(name = "post")
public class PostEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "share_id")
    public String shareId;
    @Column(name = "session_id")
    public String sessionId;
    @Column(name = "author_id")
    public String authorId;
    @Column(name = "author_name")
    public String authorName;
    public String title;
    public String caption;
    @Column(name = "world_id")
    public String worldId;
    @Column(name = "character_ids")
    @Convert(converter = JsonConverters.Strings.class)
    public List<String> characterIds;
    @Column(name = "leaf_message_id")
    public String leafMessageId;
    @Column(name = "content_rating")
    public String contentRating;
    @Convert(converter = JsonConverters.SharedMessages.class)
    public List<TranscriptShared.SharedMessage> messages;
    @Column(name = "message_count")
    public int messageCount;
    @Column(name = "like_count")
    public int likeCount;
    @Column(name = "comment_count")
    public int commentCount;
    public boolean hidden;
    @Column(name = "shared_at")
    public Instant sharedAt;
    @Column(name = "created_at")
    public Instant createdAt;
}
