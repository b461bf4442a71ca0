package io.mopao.world.repository;

import io.mopao.events.world.StorylineSnapshot;
import io.mopao.world.mapping.JsonConverters;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A storyline of a world: chapters of beats. */
@Entity
@Table(name = "storyline")
public class StorylineEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "world_id")
    public UUID worldId;
    @Version
    public long version;
    public String title;
    public String description;
    @Column(name = "start_beat_id")
    public String startBeatId;
    @Convert(converter = JsonConverters.Chapters.class)
    public List<StorylineSnapshot.Chapter> chapters;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
